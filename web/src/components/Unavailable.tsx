/**
 * A feature this gateway is not configured for (from the capabilities query), shown when the page
 * opens in place of its upload: what is missing and how an operator turns it on.
 */
export function Unavailable({ title, reason }: { title: string; reason?: string | null }) {
  return (
    <div className="state state-error" role="status" data-testid="unavailable">
      <strong>{title}</strong>
      {reason && <p>{reason}</p>}
    </div>
  );
}
