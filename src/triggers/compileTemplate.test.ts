import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RetentionDefinitionError } from '../core/errors';
import { compileTemplate, renderTemplate } from './compileTemplate';

function problem(source: string): string {
  try {
    compileTemplate(source);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    return (error as Error).message;
  }
}

describe('compileTemplate', () => {
  it('inserts variables, escaped by default, raw only with triple braces', () => {
    const t = compileTemplate('<p>Hi {{ firstName }}!</p>{{{signature}}}');
    expect(
      t.render({ firstName: `<script>"x" & 'y'</script>`, signature: '<i>Team</i>' }).text,
    ).toBe(`<p>Hi &lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;!</p><i>Team</i>`);
    expect(t.variables).toEqual(['firstName', 'signature']);
    expect(t.hasPlaceholders).toBe(true);
  });

  it('uses the declared fallback for a missing variable, and reports missing ones without one', () => {
    const t = compileTemplate(
      `{{firstName | "there"}} {{ company|'your team' }} {{plan}} {{plan}}`,
    );
    expect(t.render({})).toEqual({ text: 'there your team  ', missing: ['plan'] });
    expect(t.render({ firstName: 'Ada', company: 'ACME', plan: 'team' }).text).toBe(
      'Ada ACME team team',
    );
    // escapes in fallbacks, and fallbacks are escaped too
    expect(renderTemplate(`{{x | "say \\"<hi>\\""}}`, {}).text).toBe('say &quot;&lt;hi&gt;&quot;');
  });

  it('renders strings, finite numbers and booleans; anything else counts as missing', () => {
    const t = compileTemplate('{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g | "-"}}');
    expect(
      t.render({ a: 'x', b: 5.5, c: false, d: null, e: { x: 1 }, f: [1], g: Number.NaN }),
    ).toEqual({
      text: 'x|5.5|false||||-',
      missing: ['d', 'e', 'f'],
    });
  });

  it('reads own properties only', () => {
    const t = compileTemplate('{{toString}}{{a.length}}{{hasOwnProperty | "none"}}');
    expect(t.render({ a: 'abc' })).toEqual({ text: 'none', missing: ['toString', 'a.length'] });
    expect(t.render(Object.create({ toString: 'inherited' }))).toEqual({
      text: 'none',
      missing: ['toString', 'a.length'],
    });
  });

  it('leaves text without placeholders alone', () => {
    const t = compileTemplate('Just text, with } and { and }}');
    expect(t.hasPlaceholders).toBe(false);
    expect(t.render(undefined)).toEqual({ text: 'Just text, with } and { and }}', missing: [] });
  });

  it('rejects malformed and unsafe templates with a clear message', () => {
    expect(
      [
        'Hi {{firstName',
        'Hi {{ {{x}} }}',
        'Hi {{}}',
        'Hi {{first name}}',
        'Hi {{__proto__.polluted}}',
        'Hi {{a.constructor.prototype}}',
        'Hi {{x | there}}',
        'Hi {{x | "there}}',
        'Hi {{x | "a" | "b"}}',
        'Hi {{x.y()}}',
        '{{{raw}}',
      ].map(problem),
    ).toMatchInlineSnapshot(`
      [
        "compileTemplate: definition has an invalid value: the placeholder opened at character 3 is never closed",
        "compileTemplate: definition has an invalid value: the placeholder opened at character 3 contains another '{{'",
        "compileTemplate: definition has an invalid value: the placeholder at character 3 needs a variable path such as firstName or attributes.plan (expected a dot-separated fact path of at most 256 characters; received empty string)",
        "compileTemplate: definition has an invalid value: the placeholder at character 3 needs a variable path such as firstName or attributes.plan (expected segments of letters, digits, _, $ and -)",
        "compileTemplate: definition is a forbidden key: the placeholder at character 3 needs a variable path such as firstName or attributes.plan (the path may not use "__proto__")",
        "compileTemplate: definition is a forbidden key: the placeholder at character 3 needs a variable path such as firstName or attributes.plan (the path may not use "constructor")",
        "compileTemplate: definition has an invalid value: the fallback at character 3 must be a quoted string, such as {{firstName | "there"}}",
        "compileTemplate: definition has an invalid value: the fallback at character 3 must be a quoted string, such as {{firstName | "there"}}",
        "compileTemplate: definition has an invalid value: the fallback at character 3 must be a quoted string, such as {{firstName | "there"}}",
        "compileTemplate: definition has an invalid value: the placeholder at character 3 needs a variable path such as firstName or attributes.plan (expected segments of letters, digits, _, $ and -)",
        "compileTemplate: definition has an invalid value: the placeholder opened at character 0 is never closed",
      ]
    `);
  });

  it('limits the size of a template and its number of placeholders', () => {
    expect(problem('x'.repeat(10_001))).toMatch(/too big \(expected at most 10000 characters\)/);
    expect(problem('{{a}}'.repeat(101))).toMatch(/at most 100 placeholders/);
    expect(compileTemplate('{{a}}'.repeat(3), { maxPlaceholders: 3 }).variables).toEqual(['a']);
    expect(() => compileTemplate('{{a}}'.repeat(4), { maxPlaceholders: 3 })).toThrow(
      RetentionDefinitionError,
    );
  });

  it('takes linear time on adversarial input', () => {
    const started = performance.now();
    for (const source of [
      '{{'.repeat(5000),
      '{{ a |'.repeat(1500),
      `{{a | "${'\\'.repeat(9000)}"}}`,
    ]) {
      problem(source);
    }
    // a backtracking parser would take seconds here; generous bound for slow CI machines
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('never throws anything but a RetentionDefinitionError, and never executes input', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('{', '}', '|', '"', "'", '\\', ' ', 'a', '.', '$', '_'),
        }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (source, scope) => {
          let t: ReturnType<typeof compileTemplate>;
          try {
            t = compileTemplate(source);
          } catch (error) {
            return error instanceof RetentionDefinitionError;
          }
          const r = t.render(scope);
          return typeof r.text === 'string' && Array.isArray(r.missing);
        },
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never lets a value through unescaped outside triple braces', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const text = renderTemplate('[{{v}}]', { v: value }).text;
        return (
          !/[<>"']/.test(text) &&
          text.replaceAll(/&(amp|lt|gt|quot|#39);/g, '').split('&').length === 1
        );
      }),
    );
  });
});
