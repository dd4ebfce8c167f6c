"""A local SMTP sink for the tests (Debian's python3-aiosmtpd): every message it takes is printed to stdout as one
JSON line with its envelope and its decoded subject and text. With SINK_USER and SINK_PASSWORD set it requires
AUTH (PLAIN or LOGIN, over plain text: loopback only) with exactly those credentials.
usage: python3 smtp-sink.py PORT"""
import email, email.policy, json, logging, os, stat, sys, threading, warnings
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

# AUTH without TLS is on purpose here (loopback only): aiosmtpd's warnings about it are left out.
logging.getLogger('mail.log').setLevel(logging.ERROR)
warnings.filterwarnings('ignore')
USER, PASSWORD = os.environ.get('SINK_USER'), os.environ.get('SINK_PASSWORD')

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, auth_data=auth_data)

class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=('plain',))
        print(json.dumps({
            'from': envelope.mail_from, 'rcpt': envelope.rcpt_tos,
            'login': session.auth_data.login.decode() if session.authenticated else None,
            'to': str(msg['to']), 'subject': str(msg['subject']), 'text': body.get_content().replace('\r\n', '\n') if body else '',
        }), flush=True)
        return '250 OK'

kwargs = dict(auth_require_tls=False, auth_required=True, authenticator=authenticator) if USER else {}
controller = Controller(Sink(), hostname='127.0.0.1', port=int(sys.argv[1]), **kwargs)
controller.start()
print(json.dumps({'ready': True}), flush=True)
try:
    # Runs until the test closes stdin, or, with stdin not a pipe (a shell script's /dev/null), until it is killed.
    if stat.S_ISFIFO(os.fstat(0).st_mode):
        sys.stdin.read()
    else:
        threading.Event().wait()
finally:
    controller.stop()
