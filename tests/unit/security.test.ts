import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

// Fake of the Electron runtime at its one edge: the app, session and protocol objects.
const app = new EventEmitter();
let permissionHandler: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
let permissionCheck: (() => boolean) | null = null;
const privileged: unknown[] = [];
vi.mock('electron', () => ({
  app,
  net: { fetch: vi.fn() },
  shell: { openExternal: vi.fn() },
  protocol: { registerSchemesAsPrivileged: (s: unknown[]) => privileged.push(...s), handle: vi.fn() },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof permissionHandler) => (permissionHandler = h),
      setPermissionCheckHandler: (h: typeof permissionCheck) => (permissionCheck = h),
    },
  },
}));

const { APP_ORIGIN, isTrustedFrame, lockDownWebContents, registerAppScheme } = await import('../../electron/main/app/security');

class FakeContents extends EventEmitter {
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('window security', () => {
  lockDownWebContents();
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);

  it('denies every permission request and check', () => {
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) permissionHandler!({}, p, (ok) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false]);
    expect(permissionCheck!()).toBe(false);
  });

  it('denies new windows', () => {
    expect(contents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: `${APP_ORIGIN}/x` })).toEqual({ action: 'deny' });
  });

  it('blocks navigation and redirects away from the app origin, and webviews', () => {
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', `${APP_ORIGIN}/index.html#/sign-in`)).toBe(false);
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('trusts IPC only from frames on the app origin', () => {
    expect(isTrustedFrame({ url: `${APP_ORIGIN}/index.html` } as never)).toBe(true);
    expect(isTrustedFrame({ url: 'https://js.stripe.com/v3/' } as never)).toBe(false);
    expect(isTrustedFrame({ url: 'file:///app/out/renderer/index.html' } as never)).toBe(false);
    expect(isTrustedFrame({ url: 'not a url' } as never)).toBe(false);
    expect(isTrustedFrame(null)).toBe(false);
  });

  it('registers app:// as a standard, secure scheme', () => {
    registerAppScheme();
    expect(privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });
});
