import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetApi, routeFetch } from './api';

// A loaded 2-core CI machine renders slowly: wait up to 5 s for what a test awaits.
configure({ asyncUtilTimeout: 5000 });

// openapi-fetch keeps the fetch it finds when the client is made: route it to the fakes.
globalThis.fetch = routeFetch;

// jsdom has <dialog> but not its modal methods.
HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
  this.setAttribute('open', '');
};
HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
  this.removeAttribute('open');
};

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  resetApi();
});
