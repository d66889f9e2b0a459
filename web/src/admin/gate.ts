// Admin sections only work with an admin credential: the gate tells them when one is (or stops being)
// signed in, and drives their periodic refresh while it is.
const REFRESH_MS = 5_000;

export class AdminGate {
  private on = false;
  private readonly sections = new Set<{ enter: () => void; leave: () => void; refresh?: () => void }>();

  constructor() {
    setInterval(() => {
      if (!this.on || document.visibilityState !== "visible") return;
      for (const s of this.sections) s.refresh?.();
    }, REFRESH_MS);
  }

  get signedIn(): boolean {
    return this.on;
  }

  /** enter: signed in (also at once if already); leave: signed out; refresh: every 5 s while signed in */
  register(s: { enter: () => void; leave: () => void; refresh?: () => void }): void {
    this.sections.add(s);
    if (this.on) s.enter();
    else s.leave();
  }

  set(on: boolean): void {
    this.on = on;
    for (const s of this.sections) (on ? s.enter : s.leave)();
  }

  /** every section refreshes now (after an admin action that changes what they show) */
  refreshAll(): void {
    if (this.on) for (const s of this.sections) s.refresh?.();
  }
}

export const SIGN_IN_FIRST = "Sign in with an admin API key (or a JWT with the admin role).";
