import React from 'react';

/**
 * Who created an object and who changed it last ("created by ana · changed by bob"); nothing
 * when the store has no names (objects made before the team fields existed).
 */
export function Byline(props: {
  createdBy?: string | null;
  updatedBy?: string | null;
}): JSX.Element | null {
  const { createdBy, updatedBy } = props;
  if (!createdBy && !updatedBy) {
    return null;
  }
  const parts = [];
  if (createdBy) {
    parts.push(`created by ${createdBy}`);
  }
  if (updatedBy && updatedBy !== createdBy) {
    parts.push(`last changed by ${updatedBy}`);
  }
  return (
    <span className="jp-MLOps-muted jp-MLOps-byline" data-testid="mlops-byline">
      {parts.join(' · ')}
    </span>
  );
}
