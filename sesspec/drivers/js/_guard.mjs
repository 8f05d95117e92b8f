// Loaded with `node --import ./_guard.mjs` before every Node driver.
// Clients are given the real SES host name; every TCP connection to a host that is not
// loopback is sent to 127.0.0.1:$SESSPEC_LOOPBACK_PORT instead (the TLS server name and
// certificate check keep the name the client asked for). No connection can leave the
// machine, so no client can ever reach a real AWS endpoint.
import net from 'node:net';

const PORT = Number(process.env.SESSPEC_LOOPBACK_PORT);
if (!Number.isInteger(PORT) || PORT <= 0) {
  throw new Error('sesspec guard: SESSPEC_LOOPBACK_PORT is not set');
}
const isLoopback = (host) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(String(host));

const redirect = (options) => {
  if (options && typeof options === 'object' && !options.path) {
    const host = options.host ?? 'localhost';
    if (!isLoopback(host)) {
      options.host = '127.0.0.1';
      options.port = PORT;
    }
  }
};

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  if (Array.isArray(args[0])) {
    redirect(args[0][0]);
  } else if (args[0] && typeof args[0] === 'object') {
    redirect(args[0]);
  } else if (typeof args[1] === 'string' && !isLoopback(args[1])) {
    args[0] = PORT;
    args[1] = '127.0.0.1';
  }
  return originalConnect.apply(this, args);
};
