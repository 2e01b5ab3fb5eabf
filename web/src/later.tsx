// A place in the navigation for screens later work fills (Audits, Fees): the layout is ready for them.
export function Later({ title, text }: { title: string; text: string }) {
  return (
    <div class="page">
      <h1>{title}</h1>
      <section class="panel">
        <p>{text}</p>
        <p class="muted">This screen is not part of this version of the desk yet.</p>
      </section>
    </div>
  );
}
