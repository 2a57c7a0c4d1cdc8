import React from 'react';

const PAGE_SIZES = [25, 50, 100, 250];

/** "1–50 of 10,000" with previous/next buttons and the page size. */
export function Pager(props: {
  offset: number;
  pageSize: number;
  shown: number;
  total: number;
  onOffset(offset: number): void;
  onPageSize(size: number): void;
}): JSX.Element {
  const { offset, pageSize, shown, total } = props;
  const first = total === 0 ? 0 : offset + 1;
  const last = offset + shown;
  return (
    <div className="jp-MLOps-pager" data-testid="mlops-runs-pager">
      <span>
        {first.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()}
      </span>
      <button
        className="jp-mod-styled"
        disabled={offset === 0}
        onClick={() => props.onOffset(Math.max(0, offset - pageSize))}
      >
        ‹ Previous
      </button>
      <button
        className="jp-mod-styled"
        disabled={last >= total}
        onClick={() => props.onOffset(offset + pageSize)}
      >
        Next ›
      </button>
      <select
        className="jp-MLOps-select"
        aria-label="Runs per page"
        value={pageSize}
        onChange={event => props.onPageSize(Number(event.currentTarget.value))}
      >
        {PAGE_SIZES.map(size => (
          <option key={size} value={size}>
            {size} per page
          </option>
        ))}
      </select>
    </div>
  );
}
