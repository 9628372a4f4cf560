import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StatusBadge } from './StatusBadge';

describe('StatusBadge', () => {
  it.each([
    ['on_track', 'On track', 'badge-on'],
    ['at_risk', 'At risk', 'badge-risk'],
    ['off_track', 'Off track', 'badge-off'],
  ] as const)('shows %s in words and in colour', (status, words, colour) => {
    render(<StatusBadge status={status} />);
    const badge = screen.getByText(words);
    expect(badge).toHaveClass('badge', colour);
  });

  it('shows an untracked package as "-", read out as "Not tracked"', () => {
    const { container } = render(<StatusBadge status="not_tracking" />);
    expect(container.textContent).toBe('-Not tracked');
    expect(container.firstChild).toHaveClass('badge-none');
    render(<StatusBadge status={null} />);
    expect(screen.getAllByText('Not tracked')).toHaveLength(2);
  });
});
