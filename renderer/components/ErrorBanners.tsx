import { useApp } from '../store/react.ts';
import { nextActionFor } from '../features/errors/next-action.ts';

/** Every unresolved error as a readable banner: what failed, why, and what to do next. */
export function ErrorBanners() {
  const banners = useApp((s) => s.banners);
  const dismiss = useApp((s) => s.dismissBanner);
  if (banners.length === 0) return null;
  return (
    <div className="banners" role="alert">
      {banners.map((b) => (
        <div key={b.id} className="banner" data-code={b.error.code}>
          <div className="banner-text">
            <strong>{b.context} failed.</strong> {b.error.message}
            <div className="banner-next">{nextActionFor(b.error.code)}</div>
          </div>
          <button type="button" className="ghost" onClick={() => dismiss(b.id)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

/** Short-lived notices (a job finished); they clear themselves after a few seconds. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} onAnimationEnd={() => dismiss(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
