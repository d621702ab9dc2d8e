import { scanNameAddr, readContacts, scanVia, readCSeq } from '../sip/message/parsers.ts';
import { scanUri } from '../sip/message/uri.ts';
const N = 500000;
function m(label: string, fn: () => unknown) { for (let i = 0; i < 30000; i++) fn(); const c = process.cpuUsage(); let s = 0; for (let i = 0; i < N; i++) s += fn() ? 1 : 0; const u = process.cpuUsage(c); console.log(label.padEnd(20), ((u.user + u.system) * 1000 / N).toFixed(0), s > 0); }
const ruri = 'sip:pbx.example.com';
const via = 'SIP/2.0/UDP 192.0.2.44:5060;branch=z9hG4bK-524287-1---a3f1c0d2e4b5a6c7;rport';
const contact = '<sip:201@192.0.2.44:5060;rinstance=4f2a9c1b7e3d5a60;transport=UDP>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-001a2b3c4d5e>"';
const to = '"Alice Desk" <sip:201@pbx.example.com>';
const from = '"Alice Desk" <sip:201@pbx.example.com>;tag=8a1c2e3f';
for (let r = 0; r < 2; r++) {
m('ruri', () => scanUri(ruri, 0, ruri.length, null) >= 0);
m('via', () => scanVia(via, 0, via.length, null, true) > 0);
m('contact', () => readContacts(contact, false));
m('contact build', () => readContacts(contact, true));
m('to', () => scanNameAddr(to, 0, to.length, null, false) > 0);
m('from', () => scanNameAddr(from, 0, from.length, null, false) > 0);
m('cseq', () => readCSeq('42 REGISTER'));
}
