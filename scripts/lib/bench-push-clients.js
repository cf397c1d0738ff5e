// The push bench's instruments: a fake OpenAI vendor that timestamps every chunk it writes and holds each answer
// until its SSE readers are connected, an SSE client on node:http that times every token it receives against
// those timestamps, and /proc readings of one process. The fake and the clients live in the bench process, so
// both ends of a token's trip are read on the same clock (performance.now()).
'use strict';
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { FakeOpenAiServer } = require('@ultra/fake-llm');

// A tag names one analysis (it is in the prompt); a marker `[tag.k]` is the k-th chunk of its answer.
const TAG = /\bpb[a-z0-9]+x\d+\b/;
const MARKER = /\[(pb[a-z0-9]+x\d+)\.(\d+)\]/g;

/**
 * The fake OpenAI vendor of tools/fake-llm, observed from outside: `handle` is wrapped so the answer to a tagged
 * prompt waits for its gate, and every `res.write` of a chunk is timestamped just before the bytes go out.
 */
class TimedOpenAiServer extends FakeOpenAiServer {
  constructor() {
    super();
    /** `tag.k` → performance.now() of the write that carried it. */
    this.written = new Map();
    this.plans = new Map();
    this.reply((request) => this.plans.get(tagOf(request))?.reply);
  }

  /**
   * The answer to the prompt tagged `tag`: `chunks` pieces `chunkDelayMs` apart, after `latencyMs`; held back
   * until `open(tag)`.
   */
  expect(tag, { chunks, chunkDelayMs, latencyMs = 0 }) {
    let open;
    const gate = new Promise((resolve) => (open = resolve));
    const pieces = Array.from({ length: chunks }, (_, k) => `[${tag}.${k}] `);
    this.plans.set(tag, { gate, open, reply: { chunks: pieces, chunkDelayMs, latencyMs } });
  }

  open(tag) {
    this.plans.get(tag)?.open();
  }

  async handle(request, res) {
    const plan = this.plans.get(tagOf(request));
    if (plan) {
      await plan.gate;
      const write = res.write;
      res.write = (data, ...rest) => {
        const now = performance.now();
        for (const [, tag, k] of String(data).matchAll(MARKER)) this.written.set(`${tag}.${k}`, now);
        return write.call(res, data, ...rest);
      };
    }
    return super.handle(request, res);
  }
}

function tagOf(request) {
  return TAG.exec(JSON.stringify(request.body?.messages ?? ''))?.[0];
}

/**
 * Follows GET /api/analyses/:id/events. Resolves once the gateway answered 200 (or rejects with the status);
 * `ended` then resolves when the gateway closes the stream, with `tokens` ({k, ms}: vendor write → arrival here,
 * per chunk of the answer found in an output.delta) and whether the final event came.
 */
function followEvents({ baseUrl, token, id, agent, written }) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/api/analyses/${id}/events`, {
      agent,
      headers: { authorization: `Bearer ${token}` },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        // The error's message names the refusal (which limit or which service); its trace id would make each unique.
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (data) => (body += data));
        res.on('end', () => {
          let message = body.slice(0, 300);
          try {
            message = JSON.parse(body).error.message;
          } catch {
            // Not Ultra's error body: its first characters tell.
          }
          reject(new Error(`HTTP ${res.statusCode} ${message}`));
        });
        return;
      }
      const tokens = [];
      let finalType = null;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (data) => {
        const arrived = performance.now();
        buffer += data;
        const frames = buffer.split('\n\n');
        buffer = frames.pop();
        for (const frame of frames) {
          const type = /^event: (.+)$/m.exec(frame)?.[1];
          if (type === 'analysis.completed' || type === 'analysis.failed') finalType = type;
          if (type !== 'output.delta') continue;
          const { text } = JSON.parse(/^data: (.*)$/m.exec(frame)[1]);
          for (const [marker, , k] of text.matchAll(MARKER)) {
            const sent = written.get(marker.slice(1, -1));
            if (sent !== undefined) tokens.push({ k: Number(k), ms: arrived - sent });
          }
        }
      });
      const ended = new Promise((done) => {
        res.on('close', () => done({ tokens, finalType }));
        res.on('error', () => undefined);
      });
      resolve({ ended });
    });
  });
}

/** Resident memory (MiB) and CPU time so far (ms) of one process, from /proc. */
function processUsage(pid) {
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // USER_HZ is 100 on Linux: a tick is 10 ms.
  return { rssMiB: rssKiB / 1024, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
}

/** Samples a process' RSS every `everyMs` until stopped; returns the peak. */
function watchRss(pid, everyMs = 200) {
  let peak = processUsage(pid).rssMiB;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, processUsage(pid).rssMiB);
    } catch {
      // The process ended: the peak so far stands.
    }
  }, everyMs);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

module.exports = { TimedOpenAiServer, followEvents, processUsage, watchRss };
