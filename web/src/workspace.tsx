/** The workspace settings every page formats with (currency, time zone), loaded once after sign-in. */
import { createContext, useContext } from 'react';
import type { Settings } from './api.ts';

export const DEFAULT_SETTINGS: Settings = {
  business_name: null,
  currency: 'RUB',
  timezone: 'Europe/Moscow',
  country: 'RU',
  cycle_days: null,
  lost_multiplier: 3,
  margin: 0.4,
  rfm_mode: 'quantile',
  rfm_thresholds: null,
  date_format: 'auto',
};

export interface Workspace {
  settings: Settings;
  setSettings(s: Settings): void;
  signOut(): void;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const ctx = useContext(WorkspaceContext);
  if (!ctx) throw new Error('useWorkspace outside the signed-in app');
  return ctx;
}
