// Myelin's dashboard: polls the process's status document and redraws. No framework, no build.
// Everything a peer may have chosen (link names, stream names) goes in with textContent, never HTML.
"use strict";

const STATUS_URL = "/_myelin/v1/status";
const POLL_MS = 1000;
const RATE_LABELS = { rows: "rows", commands_in: "commands in", commands_out: "commands out" };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fmt(n) {
  if (typeof n !== "number") return String(n ?? "");
  if (Number.isInteger(n)) return n.toLocaleString("en");
  return n.toLocaleString("en", { maximumFractionDigits: 1 });
}

function duration(s) {
  if (s < 120) return s + " s";
  if (s < 7200) return Math.floor(s / 60) + " min";
  return Math.floor(s / 3600) + " h";
}

function fillBody(table, rows, columns) {
  const body = table.tBodies[0];
  body.replaceChildren();
  if (rows.length === 0) {
    body.append(el("tr", {}, el("td", { class: "empty", colspan: columns }, "none")));
  }
  for (const r of rows) body.append(r);
}

function chart(samples, column) {
  // one SVG polyline over the samples, scaled to its own maximum
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 300 60");
  svg.setAttribute("preserveAspectRatio", "none");
  if (samples.length < 2) return svg;
  const t0 = samples[0][0], t1 = samples[samples.length - 1][0];
  const max = Math.max(1, ...samples.map(s => s[column]));
  const pts = samples.map(s => {
    const x = t1 === t0 ? 300 : (s[0] - t0) / (t1 - t0) * 300;
    const y = 58 - s[column] / max * 54;
    return x.toFixed(1) + "," + y.toFixed(1);
  });
  const area = document.createElementNS(ns, "polygon");
  area.setAttribute("class", "area");
  area.setAttribute("points", "0,60 " + pts.join(" ") + " 300,60");
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts.join(" "));
  svg.append(area, line);
  return svg;
}

function renderRates(rates) {
  const cards = document.getElementById("rate-cards");
  cards.replaceChildren();
  if (!rates) return;
  rates.names.forEach((name, i) => {
    const last = rates.samples.length ? rates.samples[rates.samples.length - 1][i + 1] : 0;
    const card = el("div", { class: "card", id: "rate-" + name },
      el("div", { class: "label" }, RATE_LABELS[name] || name, " / s"),
      el("div", { class: "value", "data-rate": name }, fmt(last)),
      el("div", { class: "muted" }, "last minute: ", el("span", { "data-minute": name }, fmt(rates.last_minute[name]))));
    card.append(chart(rates.samples, i + 1));
    cards.append(card);
  });
}

function renderStreams(status) {
  const writers = status.stream_writers || {};
  const lag = status.lag || {}, lagMs = status.lag_ms || {};
  const rows = [];
  for (const stream of Object.keys(writers).sort()) {
    for (const instance of Object.keys(writers[stream]).sort()) {
      const tokens = (lag[stream] || {})[instance];
      const ms = (lagMs[stream] || {})[instance];
      rows.push(el("tr", { "data-stream": stream, "data-instance": instance },
        el("td", {}, stream), el("td", {}, instance),
        el("td", { class: "num position" }, fmt(writers[stream][instance])),
        el("td", { class: "num" + (tokens > 0 ? " behind" : "") }, tokens === undefined ? "–" : fmt(tokens)),
        el("td", { class: "num" + (ms > 0 ? " behind" : "") }, ms === undefined ? "–" : fmt(ms))));
    }
  }
  fillBody(document.getElementById("streams"), rows, 5);
}

function renderLinks(status) {
  const rows = (status.links || []).map(l => el("tr", { "data-link": l.name },
    el("td", {}, l.name), el("td", {}, l.address), el("td", {}, l.transport),
    el("td", { class: "state-" + l.state }, l.state),
    el("td", { class: "num" }, fmt(l.pending_commands ?? 0)),
    el("td", { class: "num" + (l.lag > 0 ? " behind" : "") }, l.lag === undefined ? "–" : fmt(l.lag)),
    el("td", { class: "num" + (l.lag_ms > 0 ? " behind" : "") }, l.lag_ms === undefined ? "–" : fmt(l.lag_ms))));
  fillBody(document.getElementById("links"), rows, 7);
}

function renderPairs(id, object) {
  const rows = Object.entries(object || {}).map(([k, v]) =>
    el("tr", { "data-counter": k }, el("td", {}, k.replaceAll("_", " ")), el("td", { class: "num" }, fmt(v))));
  fillBody(document.getElementById(id), rows, 2);
}

function render(status) {
  document.getElementById("role").textContent = status.role;
  document.getElementById("instance").textContent = status.instance;
  document.getElementById("server-name").textContent = status.server_name;
  document.getElementById("uptime").textContent = duration(status.uptime_s);
  document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
  renderRates(status.rates);
  renderStreams(status);
  renderLinks(status);
  renderPairs("counters", status.counters);
  const worker = status.role === "worker";
  document.getElementById("closes-title").textContent = worker ? "Reconnects by cause" : "Links closed by reason";
  renderPairs("closes", worker ? status.reconnects : status.close_reasons);
}

async function poll() {
  const banner = document.getElementById("error");
  try {
    const response = await fetch(STATUS_URL, { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    render(await response.json());
    banner.hidden = true;
  } catch (e) {
    banner.textContent = "Cannot read " + STATUS_URL + ": " + e.message + " (retrying)";
    banner.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
