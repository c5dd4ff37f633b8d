// How Phsar reaches people outside the app (password resets now; order news later).
// The default writes to the server log, for operators to pass on by hand until SMS or email is set up.

export type Notifier = {
  sendPasswordReset(
    to: { name: string; email: string | null; phone: string | null },
    link: string,
  ): Promise<void>;
};

export const logNotifier: Notifier = {
  async sendPasswordReset(to, link) {
    console.info(`[notifier] password reset for ${to.email ?? to.phone}: ${link}`);
  },
};

export const notifier: Notifier = logNotifier;
