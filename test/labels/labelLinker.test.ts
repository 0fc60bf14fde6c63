import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { LabelLinker, LabelLinkerClosed } from '../../src/labels/LabelLinker';
import { DEMO_CLASSES_CSV, readClasses } from './support';

// The demo catalog that ships with the project (31 classes): works on any clone.
const classes = readClasses(DEMO_CLASSES_CSV);
const labels = ['tabby, tabby cat', 'espresso', 'Boston bull, Boston terrier', 'volcano'];

describe('LabelLinker: links computed once, off the request path', () => {
  it('links a label set once, in label order, and reuses the table for the same labels', async () => {
    const linker = new LabelLinker(classes);
    const table = linker.prepare(labels);
    expect(linker.prepare([...labels])).toBe(table);
    const { links, linked } = await table;
    expect(links.map((link) => link?.class.description ?? null)).toEqual(['Cat', 'Coffee', 'Dog', null]);
    expect(linked).toBe(3);
    expect(linker.stats()).toMatchObject({ tables: 1, buildMilliseconds: expect.any(Number) });
    linker.close();
  });

  it('prefers a mid that names a class, and links any other name on first sight (Vision labels)', async () => {
    const linker = new LabelLinker(classes);
    expect((await linker.classFor('Pet', '/m/0bt9lr'))?.description).toBe('Dog');
    expect((await linker.classFor('Tabby cat', '/m/not-a-class'))?.description).toBe('Cat');
    expect(await linker.classFor('Sky', null)).toBeNull();
    linker.close();
  });

  it('ranks related classes on first sight of a label and remembers them; never the linked class', async () => {
    const linker = new LabelLinker(classes);
    const coffee = await linker.classFor('espresso');
    const related = await linker.relatedClasses('espresso', coffee);
    expect(related.map((record) => record.description)).toEqual(['Coffee cup']);
    expect(await linker.relatedClasses('espresso', coffee)).toBe(related);
    expect(related).not.toContain(coffee);
    linker.close();
  });

  it('keeps answering correctly when it forgets names beyond its bound', async () => {
    const linker = new LabelLinker(classes, { maxRememberedNames: 2 });
    await linker.prepare(labels);
    expect(linker.stats().rememberedNames).toBe(2);
    expect((await linker.classFor('tabby, tabby cat'))?.description).toBe('Cat');
    linker.close();
  });

  it('yields to the event loop while it builds, so other requests are served meanwhile', async () => {
    const linker = new LabelLinker(classes, { sliceMilliseconds: 0 });
    let turns = 0;
    let done = false;
    const ticking = (async () => {
      while (!done) {
        turns++;
        await yieldToEventLoop();
      }
    })();
    await linker.prepare(labels);
    done = true;
    await ticking;
    expect(turns).toBeGreaterThan(3);
    linker.close();
  });

  it('close() stops work in progress with LabelLinkerClosed', async () => {
    const linker = new LabelLinker(classes, { sliceMilliseconds: 0 });
    const table = linker.prepare(labels);
    linker.close();
    await expect(table).rejects.toBeInstanceOf(LabelLinkerClosed);
  });
});
