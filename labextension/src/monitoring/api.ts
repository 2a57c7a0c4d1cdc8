import { requestAPI, json } from '../request';
import {
  IAlert,
  IAlertList,
  IMonitor,
  IMonitorCreate,
  IMonitorList,
  IWindow,
  IWindowList
} from './model';

const part = encodeURIComponent;

export async function listMonitors(): Promise<IMonitor[]> {
  return (await requestAPI<IMonitorList>('monitors')).monitors;
}

export function getMonitor(id: string): Promise<IMonitor> {
  return requestAPI<IMonitor>(`monitors/${part(id)}`);
}

export function createMonitor(body: IMonitorCreate): Promise<IMonitor> {
  return requestAPI<IMonitor>('monitors', json('POST', body));
}

export function setPaused(id: string, paused: boolean): Promise<IMonitor> {
  return requestAPI<IMonitor>(`monitors/${part(id)}`, json('PATCH', { paused }));
}

export async function listWindows(id: string, limit = 100): Promise<IWindow[]> {
  const answer = await requestAPI<IWindowList>(`monitors/${part(id)}/windows?limit=${limit}`);
  return answer.windows;
}

export function getWindow(id: string, windowId: number): Promise<IWindow> {
  return requestAPI<IWindow>(`monitors/${part(id)}/windows/${windowId}`);
}

export function evaluateNow(id: string): Promise<IWindow> {
  return requestAPI<IWindow>(`monitors/${part(id)}/windows`, json('POST', {}));
}

export async function listAlerts(id: string): Promise<IAlert[]> {
  return (await requestAPI<IAlertList>(`monitors/${part(id)}/alerts`)).alerts;
}
