// Who is logged in and what the host offers. The token lives in sessionStorage: it ends with
// the browser tab, and no other site can read it.
const kTokenKey = 'processhost.token';
const kUserKey = 'processhost.user';

export const session = {
  token: sessionStorage.getItem(kTokenKey) || '',
  user: sessionStorage.getItem(kUserKey) || '',
  plugins: [],
  loginAvailable: false,
  onChange: () => {},

  has(plugin) {
    return this.plugins.includes(plugin);
  },
  get loggedIn() {
    return !this.loginAvailable || Boolean(this.token);
  },

  async loadPlugins() {
    const response = await fetch('/host/plugins');
    const body = await response.json();
    this.plugins = (body.plugins || []).map((plugin) => (typeof plugin === 'string' ? plugin : plugin.name));
    this.loginAvailable = this.has('iam');
  },

  async login(username, password) {
    const response = await fetch('/iam/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || !body.token) throw new Error(body.message || `Login failed (HTTP ${response.status})`);
    this.token = body.token;
    this.user = username;
    sessionStorage.setItem(kTokenKey, this.token);
    sessionStorage.setItem(kUserKey, this.user);
    this.onChange();
  },

  logout() {
    this.token = '';
    this.user = '';
    sessionStorage.removeItem(kTokenKey);
    sessionStorage.removeItem(kUserKey);
    this.onChange();
  },

  // A 401 from the host: the token expired or the host restarted with another secret.
  expire() {
    if (this.token) this.logout();
  },
};
