import { describe, expect, it } from 'vitest';
import { percentDecode, utf8ToWire, wireToUtf8 } from './wire.ts';

describe('wire strings', () => {
  it('turns UTF-8 text into one char per byte and back', () => {
    const wire = utf8ToWire('Søren Ærø 大');
    expect(wire).toBe(Buffer.from('Søren Ærø 大', 'utf8').toString('latin1'));
    expect(wireToUtf8(wire)).toBe('Søren Ærø 大');
  });

  it('leaves ASCII untouched', () => {
    expect(utf8ToWire('plain')).toBe('plain');
    expect(wireToUtf8('plain')).toBe('plain');
  });
});

describe('percentDecode', () => {
  it('decodes each escape once (value%2541 is value%41, not valueA)', () => {
    expect(percentDecode('v%61lue%25%34%31')).toBe('value%41');
  });

  it('keeps %00 as a NUL char', () => {
    expect(percentDecode('null-%00-null')).toBe('null-\x00-null');
  });

  it('leaves malformed escapes as written', () => {
    expect(percentDecode('%Z%45')).toBe('%ZE');
    expect(percentDecode('100%')).toBe('100%');
    expect(percentDecode('%4')).toBe('%4');
    expect(percentDecode('a%g1b')).toBe('a%g1b');
  });

  it('produces a wire string for escaped UTF-8', () => {
    expect(wireToUtf8(percentDecode('caf%C3%A9'))).toBe('café');
  });
});
