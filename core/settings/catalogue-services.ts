// Services and permissions of SPEC §8 (002 "Tjenester") and related user/routing settings.
import type { SettingDefinition } from './types.ts';
import { ALL_LEVELS, BOOLEAN_VALUE, GROUP_ID_SET, ORG_AND_GROUP, ORG_ONLY, PERMISSION_VALUE } from './types.ts';

/** Music-on-hold classes shipped in the organization template (fpm-all = the three combined). */
export const MUSIC_ON_HOLD_CLASSES: readonly string[] = Object.freeze(['fpm-calmriver', 'fpm-sunshine', 'fpm-worldmix', 'fpm-all']);

/** Snom ringer names; 'default' leaves the phone's own ringer, 'silent' only flashes. */
export const SNOM_RING_TONES: readonly string[] = Object.freeze([
  'default',
  'ringer1',
  'ringer2',
  'ringer3',
  'ringer4',
  'ringer5',
  'ringer6',
  'ringer7',
  'ringer8',
  'ringer9',
  'ringer10',
  'silent',
]);

/** The six free directory fields, by number (1–3 searchable from clients, 4–6 not; SPEC §4). */
export const DIRECTORY_FIELD_NUMBERS: readonly string[] = Object.freeze(['1', '2', '3', '4', '5', '6']);

/** Applications a user may be allowed (SPEC §4). */
export const APPLICATIONS: readonly string[] = Object.freeze(['web_softphone', 'ipad', 'unified_inbox', 'collaboration']);

/** Destination kinds a routing rule may ring or send to (SPEC §7 "allowed destinations"). */
export const ROUTING_DESTINATION_KINDS: readonly string[] = Object.freeze([
  'desk_phone',
  'softphone',
  'web_softphone',
  'mobile',
  'third_party_sip',
  'voicemail',
  'forward_number',
]);

/** Languages of users, prompts and the portal (SPEC §4, STACK i18n). */
export const LANGUAGES: readonly string[] = Object.freeze(['en', 'da', 'sv', 'nb', 'fr']);

/** Settings of the services and permissions pages, in portal order. */
export const SERVICE_SETTINGS: readonly SettingDefinition[] = [
  // Call pickup (SPEC §8, §11)
  {
    key: 'pickup.groups',
    category: 'call_pickup',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may pick up ringing or queued calls of the users in scope (*8*, *9*ext*).',
  },
  {
    key: 'pickup.parked_groups',
    category: 'call_pickup',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may pick up calls parked for the users in scope.',
  },
  // Call intrusion (SPEC §8, §11)
  {
    key: 'intrusion.groups',
    category: 'call_intrusion',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may barge in on calls of the users in scope (*65*ext*).',
  },
  // Diversion bypass (*60*ext*)
  {
    key: 'diversion_bypass.groups',
    category: 'diversion_bypass',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may call the users in scope bypassing their forwarding (*60*ext*).',
  },
  // Call monitoring (status visibility)
  {
    key: 'monitoring.groups',
    category: 'call_monitoring',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may see the call and presence status of the users in scope.',
  },
  // Directory
  {
    key: 'directory.search_groups',
    category: 'directory',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may search the directory fields of the users in scope from clients.',
  },
  {
    key: 'directory.editable_fields',
    category: 'directory',
    levels: ALL_LEVELS,
    value: { type: 'set', values: DIRECTORY_FIELD_NUMBERS, maxItems: 6 },
    default: ['1', '2', '3', '4', '5', '6'],
    description: 'Directory fields (1–6) users may edit themselves; changes still wait for moderation.',
  },
  {
    key: 'directory.mobile_numbers_visible',
    category: 'directory',
    levels: ALL_LEVELS,
    value: BOOLEAN_VALUE,
    default: true,
    description: 'Mobile numbers of the users in scope are shown in directory search results.',
  },
  {
    key: 'directory.default_search_number',
    category: 'directory',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: ['primary', 'secondary'] },
    default: 'primary',
    description: 'Which line number is shown as the default number when the directory is searched.',
  },
  {
    key: 'directory.own_photo_editable',
    category: 'directory',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: true,
    description: 'Users may change their own photo.',
  },
  // SMS authorization
  {
    key: 'sms.allowed',
    category: 'sms',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: false,
    description: 'Users in scope may send SMS messages from the softphone and mobile app.',
  },
  // Working hours
  {
    key: 'working_hours.extend_allowed',
    category: 'working_hours',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: false,
    description: 'Users in scope may extend the working hours of their scope (e.g. stay open late).',
  },
  {
    key: 'working_hours.night_mode_override_allowed',
    category: 'working_hours',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: true,
    description: 'Users may override night mode for themselves by feature code until they cancel it.',
  },
  // Future presence authorization
  {
    key: 'future_presence.view_groups',
    category: 'future_presence',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may view the future presence of the users in scope.',
  },
  {
    key: 'future_presence.edit_groups',
    category: 'future_presence',
    levels: ALL_LEVELS,
    value: GROUP_ID_SET,
    default: [],
    description: 'Groups whose members may add and edit the future presence of the users in scope.',
  },
  // Call transfer
  {
    key: 'transfer.ring_time_seconds',
    category: 'call_transfer',
    levels: ALL_LEVELS,
    value: { type: 'integer', min: 5, max: 300 },
    default: 20,
    description: 'Seconds a transferred or forwarded call rings the target before it comes back.',
  },
  {
    key: 'transfer.blind_from_desk_phone',
    category: 'call_transfer',
    levels: ALL_LEVELS,
    value: BOOLEAN_VALUE,
    default: false,
    description: "Desk-phone transfers are blind by default: the call goes to the target user's personal queue.",
  },
  // Ring tones (Snom only)
  {
    key: 'ring_tones.internal',
    category: 'ring_tones',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: SNOM_RING_TONES },
    default: 'default',
    description: 'Ring tone for calls from internal callers (Snom phones only).',
  },
  {
    key: 'ring_tones.external',
    category: 'ring_tones',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: SNOM_RING_TONES },
    default: 'default',
    description: 'Ring tone for calls from external callers (Snom phones only).',
  },
  {
    key: 'ring_tones.acd_group',
    category: 'ring_tones',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: SNOM_RING_TONES },
    default: 'default',
    description: 'Ring tone for calls offered by ACD groups (Snom phones only).',
  },
  {
    key: 'ring_tones.attendant_group',
    category: 'ring_tones',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: SNOM_RING_TONES },
    default: 'default',
    description: 'Ring tone for calls offered by attendant groups (Snom phones only).',
  },
  {
    key: 'ring_tones.hunt_group',
    category: 'ring_tones',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: SNOM_RING_TONES },
    default: 'default',
    description: 'Ring tone for calls offered by hunt groups (Snom phones only).',
  },
  // Music on hold
  {
    key: 'music_on_hold.class',
    category: 'music_on_hold',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: MUSIC_ON_HOLD_CLASSES },
    default: 'fpm-all',
    description: 'Music a caller hears while on hold (not queue music).',
  },
  // Outgoing calls and call handling
  {
    key: 'calls.anonymous_outgoing_allowed',
    category: 'calls',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: false,
    description: 'Users may make anonymous outgoing calls (caller id withheld).',
  },
  {
    key: 'calls.presented_number_choice_allowed',
    category: 'calls',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: true,
    description: 'Users may choose the number presented on outgoing calls (*30*number*).',
  },
  {
    key: 'calls.pull_active_call_allowed',
    category: 'calls',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: true,
    description: 'Users may pull their own active call to another of their devices (*7*).',
  },
  {
    key: 'calls.call_waiting',
    category: 'calls',
    levels: ALL_LEVELS,
    value: BOOLEAN_VALUE,
    default: true,
    description: 'A second incoming call is offered while the user is already in a call.',
  },
  {
    key: 'forwarding.external_allowed',
    category: 'calls',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: true,
    description: 'Users may forward their calls to external numbers (*21*number*).',
  },
  // Devices and applications
  {
    key: 'applications.allowed',
    category: 'applications',
    levels: ALL_LEVELS,
    value: { type: 'set', values: APPLICATIONS, maxItems: APPLICATIONS.length },
    default: ['web_softphone', 'unified_inbox'],
    description: 'Applications users may use: web softphone, iPad app, unified inbox, collaboration.',
  },
  {
    key: 'devices.mobile_voip_allowed',
    category: 'devices',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: true,
    description: 'Users may enable VoIP calling in the mobile app.',
  },
  {
    key: 'devices.hot_desking_allowed',
    category: 'devices',
    levels: ALL_LEVELS,
    value: PERMISSION_VALUE,
    default: false,
    description: 'Users may log in to shared hot-desk phones.',
  },
  // Call routing (SPEC §7)
  {
    key: 'routing.allowed_destinations',
    category: 'call_routing',
    levels: ORG_AND_GROUP,
    value: { type: 'set', values: ROUTING_DESTINATION_KINDS, maxItems: ROUTING_DESTINATION_KINDS.length },
    default: ROUTING_DESTINATION_KINDS,
    description: 'Destination kinds that call routing rules of the users in scope may use.',
  },
  // User
  {
    key: 'user.language',
    category: 'user',
    levels: ALL_LEVELS,
    value: { type: 'enum', values: LANGUAGES },
    default: 'en',
    description: 'Language of prompts, notifications and the portal for the user.',
  },
  // Security
  {
    key: 'security.password_min_length',
    category: 'security',
    levels: ORG_ONLY,
    value: { type: 'integer', min: 8, max: 128 },
    default: 12,
    description: 'Minimum length of user portal passwords in the organization.',
  },
];
