import { hashPassword, DEFAULT_PASSWORD_COST } from '../api/auth/secrets.ts';
import type { Access } from '../api/policies.ts';
import { createUser } from '../api/users/service.ts';
import type { Store } from '../store/store.ts';

export const DEMO_SLUG = 'nordlys-rejser';
export const DEMO_PASSWORD = 'vaxel-demo-2026';

const PEOPLE: readonly [string, string, string?][] = [
  ['Anne', 'Jensen', 'org_admin'],
  ['Mads', 'Nielsen'],
  ['Sofie', 'Hansen'],
  ['Søren', 'Ærbøl'],
  ['Line', 'Pedersen'],
  ['Frederik', 'Andersen'],
  ['Ida', 'Christensen'],
  ['Mikkel', 'Larsen'],
  ['Emma', 'Sørensen', 'group_admin'],
  ['Jonas', 'Rasmussen'],
  ['Freja', 'Jørgensen'],
  ['Oliver', 'Petersen'],
  ['Clara', 'Madsen'],
  ['Lukas', 'Kristensen'],
  ['Astrid', 'Olsen'],
  ['Noah', 'Thomsen'],
  ['Karoline', 'Poulsen'],
  ['William', 'Johansen'],
  ['Agnes', 'Møller'],
  ['Victor', 'Mortensen'],
  ['Ella', 'Knudsen'],
  ['Emil', 'Jakobsen'],
];

function slugName(s: string): string {
  return s
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .replace(/[^a-z]/g, '');
}

export interface DemoResult {
  created: boolean;
  orgId: string;
  summary: string;
  logins: string[];
}

/**
 * Seeds "Nordlys Rejser", a Copenhagen travel agency: number ranges, groups with priorities, users
 * with lines and devices, an ACD group, an IVR and opening hours. Idempotent by slug.
 */
export async function seedDemo(store: Store, opts: { users?: number; slug?: string; sipDomain?: string; publicPrefix?: string } = {}): Promise<DemoResult> {
  const slug = opts.slug ?? DEMO_SLUG;
  const existing = await store.organizations.listForProvider({ limit: 1, offset: 0, q: slug });
  const found = existing.items.find((o) => o.slug === slug);
  if (found) return { created: false, orgId: found.id, summary: '', logins: [] };
  const userCount = Math.max(1, Math.min(opts.users ?? 20, 9000));
  const prefix = opts.publicPrefix ?? '+45888877';
  const passwordHash = await hashPassword(DEMO_PASSWORD, DEFAULT_PASSWORD_COST);

  return store.transaction(async (tx) => {
    const org = await tx.organizations.create({
      name: 'Nordlys Rejser A/S',
      slug,
      timeZone: 'Europe/Copenhagen',
      defaultLanguage: 'da',
      sipDomain: opts.sipDomain ?? `${slug}.vaxel.local`,
      switchboardNumber: `${prefix}00`,
      directoryFieldNames: ['Sprog', 'Destinationer', 'Kompetencer', 'Lokation', 'Bil', 'Intern note'],
    });
    const orgId = org.id;
    const access: Access = {
      orgId,
      principal: { kind: 'provider', id: '00000000-0000-0000-0000-000000000000', name: 'vaxel demo', email: 'demo@vaxel.local', via: 'token' },
      scope: { kind: 'organization' },
    };
    await tx.audit.append(orgId, {
      actorKind: 'system',
      actorId: 'vaxel-demo',
      actorName: 'vaxel demo',
      action: 'organization.create',
      resourceType: 'organization',
      resourceId: orgId,
      before: null,
      after: { slug },
    });

    const hq = await tx.sites.create(orgId, { name: 'København', address: 'Vesterbrogade 12, 1620 København V', timeZone: 'Europe/Copenhagen' });
    const aarhus = await tx.sites.create(orgId, { name: 'Aarhus', address: 'Søndergade 3, 8000 Aarhus C' });

    await tx.numbers.createRange(orgId, { kind: 'public', start: `${prefix}00`, end: `${prefix}99`, description: 'Hovednumre' });
    const big = userCount > 99;
    await tx.numbers.createRange(orgId, {
      kind: 'internal',
      start: big ? '20000' : '200',
      end: big ? '29999' : '299',
      dialFromIvr: true,
      description: 'Lokalnumre',
    });
    await tx.numbers.createRange(orgId, { kind: 'internal', start: '1500', end: '1799', description: 'Funktionsnumre (ACD 15xx, IVR 16xx, regler 17xx)' });

    const groupSpecs = [
      { name: 'Ledelse', description: 'Management', acdSupervisor: true, scheduleAdmin: true },
      { name: 'Salg', description: 'Sales' },
      { name: 'Kundeservice', description: 'Customer service agents' },
      { name: 'Reception', description: 'Switchboard' },
      { name: 'Gruppeadministratorer', description: 'Administers Salg and Kundeservice' },
    ];
    const groups = [];
    for (const [i, g] of groupSpecs.entries()) groups.push(await tx.groups.create(orgId, { ...g, priority: i + 1 }));
    const [ledelse, salg, kundeservice, reception, admins] = groups as [
      (typeof groups)[0],
      (typeof groups)[0],
      (typeof groups)[0],
      (typeof groups)[0],
      (typeof groups)[0],
    ];
    await tx.groups.setAdministeredGroups(orgId, admins.id, [salg.id, kundeservice.id]);

    await tx.settings.put(orgId, 'organization', orgId, 'music_on_hold.class', 'fpm-calmriver');
    await tx.settings.put(orgId, 'group', kundeservice.id, 'music_on_hold.class', 'fpm-sunshine');
    await tx.settings.put(orgId, 'group', salg.id, 'sms.allowed', true);

    const logins: string[] = [];
    for (let i = 0; i < userCount; i++) {
      const person = PEOPLE[i % PEOPLE.length]!;
      const round = Math.floor(i / PEOPLE.length);
      const [first, last, role] = person;
      const username = `${slugName(first)}.${slugName(last)}${round > 0 ? round : ''}@nordlys.example`;
      const ext = big ? String(20000 + i) : String(201 + i);
      const groupIds = [
        i === 0 ? ledelse.id : i % 3 === 0 ? salg.id : i % 3 === 1 ? kundeservice.id : reception.id,
        ...(role === 'group_admin' ? [admins.id] : []),
      ];
      const lines =
        i < 60
          ? [
              { slot: 'primary' as const, number: `${prefix}${String(i + 10).padStart(2, '0')}`, lineType: 'office_fixed' as const, aliasExtension: ext },
              ...(i % 4 === 0 && i + 70 < 100 ? [{ slot: 'secondary' as const, number: `${prefix}${i + 70}`, lineType: 'office_mobile' as const }] : []),
            ]
          : [{ slot: 'primary' as const, number: ext, lineType: 'office_fixed' as const }];
      const user = await createUser(
        tx,
        access,
        {
          username,
          firstName: first,
          lastName: last,
          role: (round === 0 ? role : undefined) as 'org_admin' | undefined,
          language: i % 7 === 3 ? 'sv' : 'da',
          license: groupIds.includes(kundeservice.id) ? 'contact_center' : groupIds.includes(reception.id) ? 'receptionist' : 'standard',
          allowedApps: ['web_softphone', ...(i % 2 === 0 ? (['ipad'] as const) : [])],
          siteId: i % 5 === 4 ? aarhus.id : hq.id,
          directoryFields: [
            i % 2 ? 'Dansk, Engelsk' : 'Dansk, Tysk',
            ['Island', 'Norge', 'Grønland', 'Færøerne'][i % 4]!,
            '',
            i % 5 === 4 ? 'Aarhus' : 'København',
            '',
            '',
          ],
          lines,
          groupIds,
        },
        { passwordCost: DEFAULT_PASSWORD_COST },
        false,
      );
      await tx.users.update(orgId, user.id, { passwordHash });
      if (round === 0 && role) logins.push(`${role === 'org_admin' ? 'Org admin' : 'Group admin'}: ${username} / ${DEMO_PASSWORD}`);
      if (i === 1) logins.push(`User: ${username} / ${DEMO_PASSWORD}`);
      if (i < 200) {
        // The first three softphones can register at once: SIP credentials printed with the logins.
        const sip = i < 3 ? { sipUsername: `softphone-${ext}`, sipPassword: DEMO_PASSWORD } : {};
        await tx.devices.create(orgId, { kind: 'softphone', userId: user.id, enabled: true, ...sip });
        if (i < 3) logins.push(`SIP softphone of ${first} ${last} (extension ${ext}): sip:softphone-${ext}@${org.sip_domain} / ${DEMO_PASSWORD}`);
        if (i % 2 === 0) {
          const mac = `000413${(0x10000 + i).toString(16).slice(-6).padStart(6, '0')}`;
          await tx.devices.create(orgId, {
            kind: 'desk_phone',
            userId: user.id,
            mac,
            model: i % 4 === 0 ? 'Snom D785' : 'Snom D735',
            firmware: '10.1.159.12',
            description: `Skrivebord ${ext}`,
          });
        }
        if (i % 4 === 0)
          await tx.devices.create(orgId, {
            kind: 'mobile',
            userId: user.id,
            number: `+45${String(20000000 + i * 1111)}`,
            mobileClientLicense: true,
            mobileVoipAllowed: true,
          });
        if (i === 3)
          await tx.devices.create(orgId, {
            kind: 'sip_account',
            userId: user.id,
            sipUsername: `${slug}-fax-${ext}`,
            sipPassword: DEMO_PASSWORD.split('').reverse().join(''),
            shownAs: 'analog',
          });
      }
    }
    // A hot-desk phone in the meeting room, free until someone logs in.
    await tx.devices.create(orgId, { kind: 'desk_phone', mac: '000413ffee01', model: 'Snom D865', description: 'Mødelokale Geysir', hotDesk: true });

    const agents = await tx.groups.memberIds(orgId, kundeservice.id);
    const acd = await tx.functionNumbers.create(orgId, {
      kind: 'acd',
      number: '1500',
      name: 'Kundeservice',
      featureCodeId: 1500,
      config: {
        memberGroupIds: [kundeservice.id],
        supervisorGroupIds: [ledelse.id],
        adminGroupIds: [admins.id],
        wrapUpSeconds: 15,
        logOutAfterUnansweredOffers: 3,
        parallelAgents: 1,
        ringSeconds: 20,
        ordering: 'skill',
        agents: agents.map((userId, n) => ({ userId, skill: 5 - (n % 3) })),
        overflow: { maxQueued: 10, maxLongestWaitSeconds: 300, action: { kind: 'forward', number: `${prefix}00` } },
        forwardAfterWaitSeconds: 0,
        prompts: { welcome: 'velkommen-kundeservice', waiting: 'moh', statusIntervalSeconds: 45, announcePosition: true, announceWait: true },
        callback: { enabled: true, attempts: 3, validityMinutes: 60 },
      },
    });
    await tx.functionNumbers.create(orgId, {
      kind: 'ivr',
      number: '1600',
      name: 'Hovedmenu',
      config: {
        greetingPrompt: 'velkommen-nordlys',
        dialByExtension: false,
        keys: {
          '1': { kind: 'function_number', number: '1500' },
          '2': { kind: 'extension', number: big ? '20001' : '202' },
          '0': { kind: 'external', number: `${prefix}00` },
        },
      },
    });
    await tx.functionNumbers.createSchedule(orgId, {
      name: 'Åbningstider Kundeservice',
      functionNumberId: acd.id,
      events: [
        {
          name: 'Juleaften',
          repeat: { kind: 'dates', dates: ['2026-12-24'] },
          window: { from: '00:00', to: '23:59' },
          action: { kind: 'closed' },
          prompt: 'lukket-helligdag',
        },
        {
          name: 'Hverdage',
          repeat: { kind: 'weekly', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
          window: { from: '08:00', to: '16:00' },
          action: { kind: 'open' },
        },
        { name: 'Lørdag', repeat: { kind: 'weekly', days: ['sat'] }, window: { from: '10:00', to: '13:00' }, action: { kind: 'open' } },
        { name: 'Default', default: true, action: { kind: 'closed' }, prompt: 'lukket', disconnectQueued: false },
      ],
    });

    const summary = `${org.name} (${orgId}): ${userCount} users, ${groups.length} groups, 2 sites, 3 number ranges, ACD 1500, IVR 1600, 1 schedule`;
    return { created: true, orgId, summary, logins };
  });
}
