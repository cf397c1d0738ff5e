import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it, vi } from 'vitest';
import { ModelPicker } from './model-picker';
import { models } from './new-analysis.fixtures';

function renderPicker(selected: string[] = [], ultraModel: string | null = null) {
  const onChange = vi.fn();
  const onUltraModelChange = vi.fn();
  render(
    <ModelPicker
      models={models}
      selected={selected}
      ultraModel={ultraModel}
      onChange={onChange}
      onUltraModelChange={onUltraModelChange}
    />,
  );
  return { onChange, onUltraModelChange };
}

it('groups the models by provider, each with its status and price', () => {
  renderPicker();
  const mock = screen.getByRole('group', { name: 'Mock' });
  expect(within(mock).getAllByRole('checkbox')).toHaveLength(2);
  expect(within(mock).getByRole('checkbox', { name: 'Mock Alpha' })).toBeInTheDocument();
  expect(within(mock).getByRole('checkbox', { name: 'Mock Beta' })).toBeInTheDocument();
  expect(within(screen.getByRole('group', { name: 'OpenAI' })).getByRole('checkbox', { name: 'GPT X' })).toBeDisabled();
  expect(within(screen.getByRole('group', { name: 'Anthropic' })).getByRole('checkbox')).toBeEnabled();

  expect(screen.getByRole('checkbox', { name: 'Mock Alpha' })).toHaveAccessibleDescription(
    'Ready $0.5 in / $1.5 out per 1M tokens',
  );
  expect(screen.getByRole('checkbox', { name: 'GPT X' })).toHaveAccessibleDescription(
    'Needs key (add a provider key in Settings)',
  );
  expect(screen.getByRole('checkbox', { name: 'Claude Y' })).toHaveAccessibleDescription(
    'Degraded (breaker open since 12:00)',
  );
});

it('ticks and unticks models', async () => {
  const { onChange } = renderPicker(['mock:alpha']);
  await userEvent.click(screen.getByRole('checkbox', { name: 'Mock Beta' }));
  expect(onChange).toHaveBeenLastCalledWith(['mock:alpha', 'mock:beta']);
  await userEvent.click(screen.getByRole('checkbox', { name: 'Mock Alpha' }));
  expect(onChange).toHaveBeenLastCalledWith([]);
});

it('offers only the chosen models as the ultra model', async () => {
  const { onUltraModelChange } = renderPicker(['mock:beta', 'anthropic:claude-y'], 'mock:beta');
  const ultra = screen.getByRole('group', { name: 'Ultra model' });
  const radios = within(ultra).getAllByRole('radio');
  expect(radios.map((r) => r.getAttribute('value'))).toEqual(['mock:beta', 'anthropic:claude-y']);
  expect(within(ultra).getByRole('radio', { name: 'Mock Beta' })).toBeChecked();
  await userEvent.click(within(ultra).getByRole('radio', { name: 'Claude Y' }));
  expect(onUltraModelChange).toHaveBeenCalledWith('anthropic:claude-y');
});

it('asks for models before an ultra model can be chosen', () => {
  renderPicker();
  const ultra = screen.getByRole('group', { name: 'Ultra model' });
  expect(within(ultra).queryAllByRole('radio')).toHaveLength(0);
  expect(within(ultra).getByText('Choose models first.')).toBeInTheDocument();
});

it('stops at eight models, leaving the chosen ones free to untick', () => {
  const many = Array.from({ length: 9 }, (_, i) => ({ ...models[0], id: `mock:m${i}`, displayName: `M${i}` }));
  render(
    <ModelPicker
      models={many}
      selected={many.slice(0, 8).map((m) => m.id)}
      ultraModel="mock:m0"
      onChange={vi.fn()}
      onUltraModelChange={vi.fn()}
    />,
  );
  expect(screen.getByRole('checkbox', { name: 'M8' })).toBeDisabled();
  expect(screen.getByRole('checkbox', { name: 'M0' })).toBeEnabled();
});
