/**
 * Desk-phone hardware facts (SPEC §5): the supported models, and MAC addresses as people type
 * them. The source guide lists the Snom and Mitel models the provisioning service supports; the
 * current Snom D7xx/D8xx models are supported as well.
 */
export const DESK_PHONE_MODELS = [
  'Snom D305',
  'Snom D315',
  'Snom D345',
  'Snom D375',
  'Snom 700',
  'Snom 710',
  'Snom D712',
  'Snom D715',
  'Snom D717',
  'Snom 720',
  'Snom D725',
  'Snom D735',
  'Snom D745',
  'Snom 760',
  'Snom D765',
  'Snom D785',
  'Snom 821',
  'Snom D865',
  'Snom 870',
  'Snom Meeting Point',
  'Mitel 6863i',
  'Mitel 6865i',
  'Mitel 6867i',
  'Mitel 6869i',
  'Mitel 6873i',
  'Mitel 680',
  'Mitel 685',
  'Mitel MiVoice Conference Phone',
  'Mitel MiVoice Video Phone',
] as const;

export type DeskPhoneModel = (typeof DESK_PHONE_MODELS)[number];

function modelKey(s: string): string {
  return s.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

// Every spelling a model is accepted under: "Snom D785", "snom d785", "D785"; Mitel also without the
// trailing "i" ("Mitel 6867", "6867").
const MODEL_ALIASES: ReadonlyMap<string, DeskPhoneModel> = (() => {
  const m = new Map<string, DeskPhoneModel>();
  for (const model of DESK_PHONE_MODELS) {
    const key = modelKey(model);
    const bare = key.replace(/^(snom|mitel) /, '');
    for (const k of [key, bare]) {
      m.set(k, model);
      if (/^(mitel )?\d{4}i$/.test(k)) m.set(k.slice(0, -1), model);
    }
  }
  return m;
})();

/** The supported model a user's spelling names, or undefined when it is not supported. */
export function canonicalModel(input: string): DeskPhoneModel | undefined {
  return MODEL_ALIASES.get(modelKey(input));
}

const MAC_FORMS = [/^[0-9a-f]{12}$/i, /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i, /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i];

/**
 * Normalises a MAC address to 12 lower-case hex digits. Accepts `00:04:13:aa:bb:cc`,
 * `00-04-13-AA-BB-CC`, `000413aabbcc` and `0004.13aa.bbcc`; mixed separators, the all-zero and
 * the broadcast address are refused (undefined).
 */
export function normalizeMac(input: string): string | undefined {
  const s = input.trim();
  if (!MAC_FORMS.some((re) => re.test(s))) return undefined;
  const mac = s.replace(/[:.-]/g, '').toLowerCase();
  if (mac === '000000000000' || mac === 'ffffffffffff') return undefined;
  return mac;
}
