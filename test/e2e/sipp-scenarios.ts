/*
 * SIPp scenarios for the black-box SIP tests, generated per case because SIPp matches response
 * codes literally. CSV fields for callers: user;[authentication username=… password=…];domain.
 */

const xml = (name: string, body: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="${name}">
${body}
</scenario>
`;

const sdp = `v=0
      o=sipp 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=sendrecv`;

function invite(cseq: number, auth: boolean, to: string): string {
  return `  <send retrans="500" start_txn="inv${cseq}">
    <![CDATA[

      INVITE sip:${to}@[field2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: "[field0]" <sip:[field0]@[field2]>;tag=[pid]I[call_number]
      To: <sip:${to}@[field2]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:[field0]@[local_ip]:[local_port];transport=[transport]>${auth ? '\n      [field1]' : ''}
      User-Agent: sipp-vaxel-e2e
      Content-Type: application/sdp
      Content-Length: [len]

      ${sdp}

    ]]>
  </send>`;
}

function ackNon2xx(cseq: number, to: string): string {
  return `  <send ack_txn="inv${cseq}">
    <![CDATA[

      ACK sip:${to}@[field2] SIP/2.0
      [last_Via:]
      Max-Forwards: 70
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: ${cseq} ACK
      Content-Length: 0

    ]]>
  </send>`;
}

function inDialog(method: string, cseq: number, to: string, txn?: string): string {
  return `  <send${method === 'ACK' ? ' ack_txn="inv2"' : ' retrans="500"'}${txn ? ` start_txn="${txn}"` : ''}>
    <![CDATA[

      ${method} [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      Max-Forwards: 70
      From: "[field0]" <sip:[field0]@[field2]>;tag=[pid]I[call_number]
      To: <sip:${to}@[field2]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq} ${method}
      Content-Length: 0

    ]]>
  </send>`;
}

/**
 * A caller: INVITE, the 407 challenge, INVITE with credentials, then
 * - expect 200: ACK, pause, and BYE (hangup 'caller') or wait for the callee's BYE ('callee');
 * - expect another final status: ACK it;
 * - cancelAfterMs: CANCEL once ringing, expect 200 to the CANCEL and 487.
 */
/** The plain 200 OK a SIPp peer answers an in-dialog request with (BYE, INFO). */
export const ok200 = `  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`;

export function uacCall(opts: { to: string; expect: number; hangup?: 'caller' | 'callee'; holdMs?: number; cancelAfterMs?: number; noAuth?: boolean }): string {
  const parts: string[] = [];
  if (opts.noAuth) {
    parts.push(invite(2, false, opts.to).replace('start_txn="inv2"', 'start_txn="inv2"'));
  } else {
    parts.push(invite(1, false, opts.to));
    parts.push(`  <recv response="100" optional="true" response_txn="inv1"/>
  <recv response="407" auth="true" response_txn="inv1"/>`);
    parts.push(ackNon2xx(1, opts.to));
    parts.push(invite(2, true, opts.to));
  }
  parts.push(`  <recv response="100" optional="true" response_txn="inv2"/>`);
  if (opts.cancelAfterMs !== undefined) {
    parts.push(`  <recv response="180" response_txn="inv2"/>
  <pause milliseconds="${opts.cancelAfterMs}"/>
  <send start_txn="cancel">
    <![CDATA[

      CANCEL sip:${opts.to}@[field2] SIP/2.0
      [last_Via:]
      Max-Forwards: 70
      From: "[field0]" <sip:[field0]@[field2]>;tag=[pid]I[call_number]
      To: <sip:${opts.to}@[field2]>
      Call-ID: [call_id]
      CSeq: 2 CANCEL
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" response_txn="cancel"/>
  <recv response="487" response_txn="inv2"/>`);
    parts.push(ackNon2xx(2, opts.to));
    return xml('uac cancel', parts.join('\n'));
  }
  parts.push(`  <recv response="180" optional="true" response_txn="inv2"/>
  <recv response="183" optional="true" response_txn="inv2"/>`);
  if (opts.expect !== 200) {
    parts.push(`  <recv response="${opts.expect}" response_txn="inv2"/>`);
    parts.push(ackNon2xx(2, opts.to));
    return xml(`uac expects ${opts.expect}`, parts.join('\n'));
  }
  parts.push(`  <recv response="200" rrs="true" response_txn="inv2"/>`);
  parts.push(inDialog('ACK', 2, opts.to));
  if (opts.hangup === 'callee') {
    parts.push(`  <recv request="BYE"/>
${ok200}`);
  } else {
    parts.push(`  <pause milliseconds="${opts.holdMs ?? 200}"/>`);
    parts.push(inDialog('BYE', 3, opts.to, 'bye'));
    parts.push(`  <recv response="200" response_txn="bye"/>`);
  }
  return xml('uac call', parts.join('\n'));
}

const reply = (status: string, withSdp = false, contactUser = 'callee') => `  <send${withSdp ? ' retrans="500"' : ''}>
    <![CDATA[

      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]S[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:${contactUser}@[local_ip]:[local_port];transport=[transport]>${withSdp ? '\n      Content-Type: application/sdp' : ''}
      Content-Length: [len]
${withSdp ? `\n      ${sdp.replace('o=sipp', 'o=sippuas')}\n` : ''}
    ]]>
  </send>`;

/**
 * A callee device: 'answer' (180, 200, ACK, then the caller's BYE), 'answer-bye' (hangs up
 * itself after holdMs), 'busy' (486), 'ring' (180 until CANCEL: 200 + 487).
 */
export function uasCallee(mode: 'answer' | 'answer-bye' | 'busy' | 'ring', holdMs = 300): string {
  const parts = [
    mode !== 'answer-bye'
      ? `  <recv request="INVITE" crlf="true"/>`
      : `  <recv request="INVITE" crlf="true" rrs="true">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="caller"/>
      <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="me"/>
    </action>
  </recv>`,
  ];
  if (mode === 'busy') {
    parts.push(reply('486 Busy Here'));
    parts.push(`  <recv request="ACK"/>`);
    return xml('uas busy', parts.join('\n'));
  }
  parts.push(reply('180 Ringing'));
  if (mode === 'ring') {
    parts.push(`  <recv request="CANCEL"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]S[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`);
    parts.push(reply('487 Request Terminated').replace('[last_CSeq:]', 'CSeq: 1 INVITE'));
    parts.push(`  <recv request="ACK"/>`);
    return xml('uas ring', parts.join('\n'));
  }
  parts.push(reply('200 OK', true));
  parts.push(`  <recv request="ACK" crlf="true"/>`);
  if (mode === 'answer-bye') {
    parts.push(`  <pause milliseconds="${holdMs}"/>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      Max-Forwards: 70
      From:[$me];tag=[pid]S[call_number]
      To:[$caller]
      [last_Call-ID:]
      CSeq: 2 BYE
      Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`);
    return xml('uas answer then bye', parts.join('\n'));
  }
  parts.push(`  <recv request="BYE"/>
${ok200}
  <timewait milliseconds="500"/>`);
  return xml('uas answer', parts.join('\n'));
}

/** REGISTER on behalf of a callee SIPp: Contact points at the callee's port (field3 = ip:port). */
export const registerFor = xml(
  'register for another port',
  `  <send retrans="500">
    <![CDATA[

      REGISTER sip:[field2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[field2]>;tag=[pid]R[call_number]
      To: <sip:[field0]@[field2]>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:[field0]@[field3];transport=[transport]>
      Expires: 300
      Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[

      REGISTER sip:[field2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[field2]>;tag=[pid]R[call_number]
      To: <sip:[field0]@[field2]>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:[field0]@[field3];transport=[transport]>
      [field1]
      Expires: 300
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`,
);

/** Removes every binding of the device: Contact: * with Expires: 0 (RFC 3261 §10.2.2). */
export const unregisterAll = registerFor
  .replaceAll('Contact: <sip:[field0]@[field3];transport=[transport]>', 'Contact: *')
  .replaceAll('Expires: 300', 'Expires: 0');

/**
 * The carrier behind a trunk, as a SIPp UAS. Every INVITE it gets is logged for the test to check
 * (`RURI INVITE sip:…`, `FROM …`, `PAI …`; run with -trace_logs, as startSippOn does). With
 * `challenge` it answers the first INVITE 407 with a Proxy-Authenticate of realm carrier.test,
 * takes the ACK and the INVITE again, and logs its `PROXY-AUTHORIZATION …` (SIPp's verifyauth
 * reads only Authorization, so the test verifies the digest). Then 180, 200 with SDP, and
 * 'answer' waits for the BYE, 'answer-bye' hangs up itself after holdMs.
 */
export function carrierUas(opts: { challenge?: boolean; mode?: 'answer' | 'answer-bye'; holdMs?: number } = {}): string {
  const logged = (extra = '') => `  <recv request="INVITE" crlf="true" rrs="true">
    <action>
      <ereg regexp="^INVITE [^ ]*" search_in="msg" check_it="true" assign_to="ruri"/>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="caller"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="me"/>
      <ereg regexp=".*" search_in="hdr" header="P-Asserted-Identity:" assign_to="pai"/>
      <log message="RURI [$ruri]"/>
      <log message="FROM [$caller]"/>
      <log message="PAI [$pai]"/>
      <log message="TO [$me]"/>${extra}
    </action>
  </recv>`;
  const parts = [logged()];
  if (opts.challenge) {
    parts.push(`  <send>
    <![CDATA[

      SIP/2.0 407 Proxy Authentication Required
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]S[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Proxy-Authenticate: Digest realm="carrier.test", nonce="[pid]n[call_number]", algorithm=MD5
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>`);
    parts.push(
      logged(`
      <ereg regexp=".*" search_in="hdr" header="Proxy-Authorization:" check_it="true" assign_to="pauth"/>
      <log message="PROXY-AUTHORIZATION [$pauth]"/>`),
    );
  }
  parts.push(reply('180 Ringing', false, 'carrier'));
  parts.push(reply('200 OK', true, 'carrier'));
  parts.push(`  <recv request="ACK" crlf="true"/>`);
  if (opts.mode === 'answer-bye') {
    parts.push(`  <pause milliseconds="${opts.holdMs ?? 300}"/>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      Max-Forwards: 70
      From:[$me];tag=[pid]S[call_number]
      To:[$caller]
      [last_Call-ID:]
      CSeq: 10 BYE
      Contact: <sip:carrier@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`);
  } else {
    parts.push(`  <recv request="BYE"/>\n${ok200}\n  <timewait milliseconds="500"/>`);
  }
  return xml(`carrier ${opts.challenge ? 'challenging ' : ''}${opts.mode ?? 'answer'}`, parts.join('\n'));
}

function outOfDialog(method: 'OPTIONS' | 'REGISTER', cseq: number, userAgent: string): string {
  return `  <send>
    <![CDATA[

      ${method} sip:${method === 'OPTIONS' ? '[field0]@' : ''}[field2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[field2]>;tag=[pid]O[call_number]
      To: <sip:[field0]@[field2]>
      Call-ID: [call_id]
      CSeq: ${cseq} ${method}
      Contact: <sip:[field0]@[local_ip]:[local_port];transport=[transport]>
      User-Agent: ${userAgent}
      Content-Length: 0

    ]]>
  </send>`;
}

/**
 * `count` requests without credentials (CSV: user;…;domain), each followed by `waitMs` of
 * silence: any answer at all fails the run. Shows that the server drops a source.
 */
export function expectNoAnswer(method: 'OPTIONS' | 'REGISTER', opts: { count?: number; waitMs?: number; userAgent?: string } = {}): string {
  const parts: string[] = [];
  for (let i = 1; i <= (opts.count ?? 1); i++) {
    parts.push(outOfDialog(method, i, opts.userAgent ?? 'sipp-vaxel-e2e'));
    parts.push(`  <pause milliseconds="${opts.waitMs ?? 1500}"/>`);
  }
  return xml(`${method} gets no answer`, parts.join('\n'));
}

/**
 * Up to `count` OPTIONS back to back (CSV: user;…;domain), each waiting at most a second for its
 * 200; the first one left unanswered ends the run, successfully. A flood from one address.
 */
export function optionsBurst(count: number): string {
  const parts: string[] = [];
  for (let i = 1; i <= count; i++) {
    parts.push(outOfDialog('OPTIONS', i, 'sipp-vaxel-e2e'));
    parts.push(`  <recv response="200" timeout="1000" ontimeout="silence"/>`);
  }
  parts.push(`  <label id="silence"/>`);
  return xml('OPTIONS burst', parts.join('\n'));
}
