/*
 * SIPp scenarios for in-dialog requests relayed by the B2BUA: a caller that sends a re-INVITE
 * (hold) and an INFO after the call is up, and a callee that answers them.
 */
import { ok200, uacCall, uasCallee } from './sipp-scenarios.ts';

const sdp = (direction: string) => `v=0
      o=sipp 1 2 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=${direction}`;

/** The caller side: after the ACK, re-INVITE with a=sendonly (hold), expect 200 + ACK, INFO, then BYE. */
export function uacCallWithReinvite(to: string): string {
  const base = uacCall({ to, expect: 200, hangup: 'caller', holdMs: 100 });
  const extra = `  <send retrans="500" start_txn="reinv">
    <![CDATA[

      INVITE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      Max-Forwards: 70
      From: "[field0]" <sip:[field0]@[field2]>;tag=[pid]I[call_number]
      To: <sip:${to}@[field2]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 INVITE
      Contact: <sip:[field0]@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      ${sdp('sendonly')}

    ]]>
  </send>
  <recv response="100" optional="true" response_txn="reinv"/>
  <recv response="200" response_txn="reinv">
    <action>
      <ereg regexp="a=recvonly" search_in="body" check_it="true" assign_to="held"/>
    </action>
  </recv>
  <Reference variables="held"/>
  <send ack_txn="reinv">
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      Max-Forwards: 70
      From: "[field0]" <sip:[field0]@[field2]>;tag=[pid]I[call_number]
      To: <sip:${to}@[field2]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 ACK
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500" start_txn="info">
    <![CDATA[

      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      Max-Forwards: 70
      From: "[field0]" <sip:[field0]@[field2]>;tag=[pid]I[call_number]
      To: <sip:${to}@[field2]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 4 INFO
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=5
      Duration=160

    ]]>
  </send>
  <recv response="200" response_txn="info"/>
`;
  const marker = '  <pause milliseconds="100"/>';
  if (!base.includes(marker)) throw new Error('uacCall changed shape');
  return base.replace(marker, extra + marker).replace('CSeq: 3 BYE', 'CSeq: 5 BYE');
}

/** The callee side: answers, then answers the relayed re-INVITE (a=recvonly) and INFO, then the BYE. */
export function uasWithReinvite(): string {
  const base = uasCallee('answer');
  const extra = `  <recv request="INVITE">
    <action>
      <ereg regexp="a=sendonly" search_in="body" check_it="true" assign_to="hold"/>
    </action>
  </recv>
  <Reference variables="hold"/>
  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      ${sdp('recvonly').replace('o=sipp', 'o=sippuas')}

    ]]>
  </send>
  <recv request="ACK"/>
  <recv request="INFO">
    <action>
      <ereg regexp="Signal=5" search_in="body" check_it="true" assign_to="digit"/>
    </action>
  </recv>
  <Reference variables="digit"/>
${ok200}
`;
  const marker = '  <recv request="BYE"/>';
  if (!base.includes(marker)) throw new Error('uasCallee changed shape');
  return base.replace(marker, extra + marker);
}
