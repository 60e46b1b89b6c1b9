/**
 * The Content-Security-Policy of the workbench page, in Electron and in the browser alike. Scripts
 * only from the app itself (no inline script, no eval: the renderer never compiles model code; the
 * run service does, in Node), workers from the app or blobs Monaco makes, no plugins, no framing.
 * Inline styles are allowed because Monaco and Plotly set element styles at run time.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
