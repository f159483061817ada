/** Custom elements used in pages. */
import 'preact';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'altcha-widget': { challenge: string; name?: string; language?: string; workers?: number };
    }
  }
}
