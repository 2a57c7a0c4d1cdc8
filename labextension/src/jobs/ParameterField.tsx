import React from 'react';

import { parameterError } from './jobForm';
import { IParameter } from './model';

/** The inline error of one field (next to it), if any. */
export function FieldError(props: { text: string | null; field: string }): JSX.Element | null {
  return props.text ? (
    <span className="jp-MLOps-fieldError" data-testid="mlops-field-error" data-field={props.field}>
      {props.text}
    </span>
  ) : null;
}

/** A notebook parameter's field: an input by its type, with its error next to it. */
export function ParameterField(props: {
  parameter: IParameter;
  value: string;
  /** The server's refusal of this parameter, shown until the value changes. */
  refused: string | null;
  onChange(value: string): void;
}): JSX.Element {
  const { parameter } = props;
  const typed = parameterError(parameter, props.value);
  const id = `mlops-param-${parameter.name}`;
  let input: JSX.Element;
  if (parameter.type === 'bool') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={props.value === 'true'}
        onChange={e => props.onChange(e.target.checked ? 'true' : 'false')}
      />
    );
  } else {
    const type =
      parameter.type === 'int' || parameter.type === 'float'
        ? 'number'
        : parameter.type === 'date'
          ? 'date'
          : 'text';
    input = (
      <input
        id={id}
        className="jp-mod-styled"
        type={type}
        step={parameter.type === 'float' ? 'any' : parameter.type === 'int' ? 1 : undefined}
        aria-invalid={typed !== null}
        value={props.value}
        onChange={e => props.onChange(e.target.value)}
      />
    );
  }
  return (
    <div className="jp-MLOps-formRow" data-parameter={parameter.name}>
      <label htmlFor={id} title={parameter.help}>
        {parameter.name} <span className="jp-MLOps-muted">({parameter.type})</span>
      </label>
      {input}
      <FieldError text={typed ?? props.refused} field={`parameters.${parameter.name}`} />
    </div>
  );
}
