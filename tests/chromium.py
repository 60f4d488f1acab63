"""A small headless-Chromium driver for the docs tests: the DevTools protocol over a pipe, stdlib only.

Chromium's command line alone cannot tell a console error from a log line, nor report a failed
image or font, so the tests talk to it the way DevTools does (`--remote-debugging-pipe`: JSON
messages ending in a NUL byte, read on fd 3 and written on fd 4).
"""
import json, os, queue, shutil, subprocess, tempfile, threading, time

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-extensions', '--mute-audio',
         '--host-resolver-rules=MAP * ~NOTFOUND',  # no network: a page that needs one fails the test
         '--remote-debugging-pipe']

def find_chromium():
    "Path of Debian's `chromium` (or another Chromium/Chrome on PATH), or None."
    return next((p for p in map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome')) if p), None)

class Chromium:
    "One headless browser; `visit(url)` returns what happened on the page."
    def __init__(self, exe, width=1200, height=900):
        self.profile = tempfile.mkdtemp(prefix='rnn_nb-chromium-')  # a fresh profile every time
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        def child_fds():  # Chromium reads commands on fd 3 and writes replies on fd 4
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)  # the pipe may already sit on fd 3 or 4,
            os.dup2(r, 3); os.dup2(w, 4)                         # where dup2 would not clear close-on-exec
        cmd = [exe, *FLAGS, f'--user-data-dir={self.profile}', f'--window-size={width},{height}', 'about:blank']
        # close_fds=False: subprocess would otherwise close fds 3 and 4 after child_fds made them.
        # The pipe fds themselves are close-on-exec, so only the two dup2 copies reach Chromium.
        self.proc = subprocess.Popen(cmd, preexec_fn=child_fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.profile, 'stderr.log'), 'wb'))
        os.close(to_chrome_r); os.close(from_chrome_w)
        self._next_id, self._inbox, self.events = 0, queue.Queue(), []
        threading.Thread(target=self._read, daemon=True).start()
        target = self.send('Target.createTarget', url='about:blank')['targetId']
        self.session = self.send('Target.attachToTarget', targetId=target, flatten=True)['sessionId']
        for domain in ('Page', 'Runtime', 'Log', 'Network'): self.send(f'{domain}.enable', session=self.session)

    def _read(self):
        buf = b''
        while chunk := os.read(self._r, 1 << 16):
            buf += chunk
            *msgs, buf = buf.split(b'\0')
            for m in msgs: self._inbox.put(json.loads(m))
        self._inbox.put(None)

    def _receive(self, deadline):
        try: msg = self._inbox.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty: raise TimeoutError('Chromium did not answer in time') from None
        if msg is None:
            with open(os.path.join(self.profile, 'stderr.log'), errors='replace') as f: log = f.read()[-2000:]
            raise RuntimeError(f'Chromium exited; its stderr ends:\n{log}')
        return msg

    def send(self, method, session=None, timeout=30, **params):
        "Send one DevTools command and wait for its result; events that arrive meanwhile are kept."
        self._next_id += 1
        msg = {'id': self._next_id, 'method': method, 'params': params}
        if session: msg['sessionId'] = session
        os.write(self._w, json.dumps(msg).encode() + b'\0')
        deadline = time.time() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get('id') != self._next_id: self.events.append(reply); continue
            if 'error' in reply: raise RuntimeError(f'{method}: {reply["error"]}')
            return reply['result']

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        while not any(e.get('method') == method for e in self.events): self.events.append(self._receive(deadline))

    def evaluate(self, expression, timeout=30):
        "Value of a JavaScript expression in the page (promises are awaited)."
        res = self.send('Runtime.evaluate', session=self.session, timeout=timeout, expression=expression,
                        awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in res: raise RuntimeError(f'page script failed: {res["exceptionDetails"]}')
        return res['result'].get('value')

    def visit(self, url, js_report):
        "Open `url`, wait for it to load, and return (value of `js_report`, problems seen on the page)."
        self.events = []
        self.send('Page.navigate', session=self.session, url=url)
        self.wait_for('Page.loadEventFired')
        report = self.evaluate(js_report)
        return report, problems(self.events)

    def screenshot(self, path):
        import base64
        data = self.send('Page.captureScreenshot', session=self.session, format='png')['data']
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try: self.send('Browser.close', timeout=5)
        except (RuntimeError, TimeoutError, OSError): pass
        try: self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        os.close(self._w)
        shutil.rmtree(self.profile, ignore_errors=True)

def problems(events):
    "Console errors, uncaught exceptions, failed loads and any request that is not to a local file."
    out, urls = [], {e['params']['requestId']: e['params']['request']['url']
                     for e in events if e.get('method') == 'Network.requestWillBeSent'}
    for e in events:
        m, p = e.get('method'), e.get('params', {})
        if m == 'Runtime.consoleAPICalled' and p['type'] in ('error', 'assert'):
            out.append('console.error: ' + ' '.join(str(a.get('value', a.get('description'))) for a in p['args']))
        elif m == 'Runtime.exceptionThrown':
            d = p['exceptionDetails']
            out.append('uncaught: ' + d.get('exception', {}).get('description', d.get('text', '')))
        elif m == 'Log.entryAdded' and p['entry']['level'] == 'error' and p['entry']['source'] != 'network':
            out.append(f'log error: {p["entry"]["text"]} {p["entry"].get("url", "")}'.strip())
        elif m == 'Network.loadingFailed' and not p.get('canceled'):
            out.append(f'failed to load ({p["errorText"]}): {urls.get(p["requestId"], "?")}')
        elif m == 'Network.requestWillBeSent' and not p['request']['url'].startswith(('file:', 'data:', 'blob:', 'about:')):
            out.append(f'remote request: {p["request"]["url"]}')
    return out
