// Frappe's realtime server (apps/frappe/realtime/index.js) calls `io.listen(port)`, which listens on every
// interface: on a server with a public or intranet address, socket.io would answer there beside nginx, the
// only door the centre opens. Preloaded into that process (`node --require`), this gives a listen() with a
// port and no host the loopback as its host, so the realtime server is reached only through nginx's
// /socket.io. ZZ_REALTIME_HOST names another address where a site's nginx runs on another host.
"use strict";
const net = require("net");

const host = process.env.ZZ_REALTIME_HOST || "127.0.0.1";
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
	const portOnly =
		(typeof args[0] === "number" || /^\d+$/.test(String(args[0]))) &&
		(args.length === 1 || typeof args[1] === "function");
	if (portOnly) args.splice(1, 0, host);
	return listen.apply(this, args);
};
