// Follows the Consumer API's Server-Sent Events. EventSource cannot send the Authorization
// header the route requires, so the stream is read with fetch and parsed here; after a
// break it reconnects with Last-Event-ID and so misses nothing the host still holds.
import { authorizationHeaders } from './api.js';

const kStreamPath = '/api/consumer/v1/notifications';
const kRetryMs = 3000;

export class NotificationStream {
  constructor(onEvent, onStatus) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.lastEventId = '';
    this.controller = null;
  }

  start() {
    this.stop();
    this.controller = new AbortController();
    this.run(this.controller.signal);
  }

  stop() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.onStatus(false);
  }

  async run(signal) {
    while (!signal.aborted) {
      try {
        const headers = { ...authorizationHeaders(), Accept: 'text/event-stream' };
        if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
        const response = await fetch(kStreamPath, { headers, signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.onStatus(true);
        await this.read(response.body.getReader());
      } catch (error) {
        if (signal.aborted) return;
      }
      this.onStatus(false);
      await new Promise((resolve) => setTimeout(resolve, kRetryMs));
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  dispatch(block) {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') this.lastEventId = value;
    }
    if (data.length === 0) return;
    let message;
    try {
      message = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    this.onEvent(name, message);
  }
}
