import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="error-state">
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <Link to="/">Go to the start page</Link>
    </div>
  );
}
