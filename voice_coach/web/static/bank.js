// The bank page: a notes file dropped (or chosen) is imported as `voice-coach bank import` does.
"use strict";
const drop = document.getElementById("drop");
const out = document.getElementById("import-result");

async function importFile(file) {
  out.textContent = `importing ${file.name}…`;
  const r = await fetch(`/api/import?name=${encodeURIComponent(file.name)}`, { method: "POST", body: file });
  const data = await r.json();
  if (!r.ok || data.error) { out.textContent = `${data.error}${data.fix ? "\n  fix: " + data.fix : ""}`; return; }
  out.textContent = [...data.lines, ...(data.problems || [])].join("\n") + "\n\nReload the page to see the bank as it is now.";
}
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  if (e.dataTransfer.files.length) importFile(e.dataTransfer.files[0]);
});
document.getElementById("notes-file").addEventListener("change", (e) => {
  if (e.target.files.length) importFile(e.target.files[0]);
});
