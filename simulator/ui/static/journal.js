// The live journal: new entries arrive over server-sent events and are put at the top of the table. Each value
// is set as text, so a request's path or account can never become markup.

const KEEP = 500;
const table = document.getElementById("journal");
const live = document.getElementById("live");

function state(name, text) {
  if (!live) return;
  live.dataset.state = name;
  live.textContent = text;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(entry) {
  const tr = document.createElement("tr");
  tr.dataset.id = String(entry.id);
  const fired = entry.fault || entry.faults_fired.join(", ");
  tr.className = fired ? "faulted new" : "new";
  const link = document.createElement("a");
  link.href = entry.href;
  link.textContent = String(entry.id);
  const first = document.createElement("td");
  first.append(link);
  const fault = document.createElement("td");
  if (fired) {
    const badge = document.createElement("span");
    badge.className = "badge warn";
    badge.textContent = fired;
    fault.append(badge);
  }
  tr.append(
    first,
    cell(entry.time),
    cell(entry.vendor),
    cell(entry.account ?? "—"),
    cell(entry.method),
    cell(entry.path, "path"),
    cell(String(entry.status ?? entry.outcome), "num"),
    cell(String(entry.latency_ms), "num"),
    fault,
  );
  return tr;
}

if (table && "EventSource" in window) {
  const body = table.tBodies[0];
  const source = new EventSource(table.dataset.stream);
  source.addEventListener("open", () => state("live", "live"));
  source.addEventListener("error", () => state("connecting", "reconnecting…"));
  source.addEventListener("gone", () => {
    source.close();
    state("gone", "this sandbox is gone: reload the page");
  });
  source.addEventListener("message", (event) => {
    const entry = JSON.parse(event.data);
    if (body.querySelector(`tr[data-id="${Number(entry.id)}"]`)) return;
    body.prepend(row(entry));
    while (body.rows.length > KEEP) body.deleteRow(-1);
  });
}
