import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ProgressBadge } from './ProgressBadge';

describe('the On/Off track column', () => {
  it('is a green check, a red exclamation or "-", each said in words to screen readers', () => {
    const { container } = render(
      <table>
        <tbody>
          <tr>
            <td>
              <ProgressBadge progress="on_track" />
            </td>
            <td>
              <ProgressBadge progress="off_track" since="Sun 22 Mar 2026" />
            </td>
            <td>
              <ProgressBadge progress="not_tracking" reason="Not tracked: draft." />
            </td>
          </tr>
        </tbody>
      </table>,
    );
    const cells = screen.getAllByRole('cell');
    expect(cells[0]).toHaveTextContent('On track');
    expect(cells[1]).toHaveTextContent('Off track since Sun 22 Mar 2026');
    // "-" is never an unexplained blank: the reason is read out and shown on hover.
    expect(cells[2]).toHaveTextContent('-Not tracking. Not tracked: draft.');
    expect(cells[2]?.querySelector('[title]')).toHaveAttribute('title', 'Not tracked: draft.');
    // The icons are decoration; the words carry the meaning.
    expect(container.querySelectorAll('svg[aria-hidden="true"]')).toHaveLength(2);
    expect(container.querySelector('.progress-on')).not.toBeNull();
    expect(container.querySelector('.progress-off')).not.toBeNull();
  });

  it('shows the words next to the icon on a record', () => {
    render(<ProgressBadge progress="off_track" withText />);
    expect(screen.getByText('Off track')).not.toHaveClass('visually-hidden');
  });
});
