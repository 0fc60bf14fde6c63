import fs from 'node:fs';
import path from 'node:path';
import { testTempDir } from '../support/tempDirs';

/** Small dataset folders written by the tests themselves (never copied from ../shared). */

/** A temp folder removed when the test file ends. */
export function tempDir(prefix: string): string {
  return testTempDir(`${prefix}-`);
}

function write(dir: string, name: string, lines: string[]): void {
  fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
}

/**
 * Gateway layout with malformed rows. `rejected` lists the file:line of every row that must be
 * reported (and not loaded); the other rows load.
 */
export function writeMalformedGatewayFixture(dir: string): { rejected: string[] } {
  write(dir, 'classes.csv', [
    'Label,Description',
    '/m/01yrx,Cat',
    '/m/0bt9lr,"Dog, domestic"',
    '/m/04yx4,', // 4: empty description
    '/m/01g317,Person',
    '/m/02p5f1q,"Coffee ""cup"""',
  ]);
  write(dir, 'image_labels.csv', [
    'ImageId,Label',
    'img01,/m/01yrx',
    'img02,/m/0bt9lr,extra', // 3: too many columns
    'img03', // 4: missing column
    ',/m/01yrx', // 5: empty image id
    'img04,/m/0bt9lr',
    '',
    'img05,"/m/01g317"',
    'img06,"/m/01yrx"junk', // 9: text after a closing quote
    'img07,/m/0bt9lr',
    'img08,/m/02p5f1q',
  ]);
  write(dir, 'relations.csv', [
    'ImageId,Label1,Relation,Label2',
    'img05,/m/01g317,holds,/m/02p5f1q',
    'img09,/m/01g317,,/m/01yrx', // 3: empty relation
    'img10,/m/01g317,plays,/m/0bt9lr',
    'img11,/m/01g317,on', // 5: missing column
  ]);
  return {
    rejected: ['classes.csv:4', 'image_labels.csv:3', 'image_labels.csv:4', 'image_labels.csv:5', 'image_labels.csv:9', 'relations.csv:3', 'relations.csv:5'],
  };
}

/** The official Open Images file names and columns, a few rows with real class ids. */
export function writeOfficialFixture(dir: string, options: { classHeader?: boolean } = {}): void {
  const classes = ['/m/01yrx,Cat', '/m/0bt9lr,Dog', '/m/01g317,Person', '/m/02p5f1q,Coffee cup', '/m/0199g,Bicycle'];
  if (options.classHeader === false) write(dir, 'class-descriptions-boxable.csv', classes);
  else write(dir, 'oidv6-class-descriptions.csv', ['LabelName,DisplayName', ...classes]);
  write(dir, 'test-annotations-human-imagelabels.csv', [
    'ImageID,Source,LabelName,Confidence',
    '000a1249af2bc5f0,verification,/m/01yrx,1',
    '000a1249af2bc5f0,verification,/m/0bt9lr,0', // checked and absent: not a label
    '000a1249af2bc5f0,crowdsource-verification,/m/01yrx,1', // the same label from another source
    '0011a1a8e6a1e2a3,verification,/m/01g317,1',
    '0011a1a8e6a1e2a3,verification,/m/02p5f1q,1',
    '0011a1a8e6a1e2a3,verification,/m/0199g,0',
    '002b5a4bd1a9e9cd,verification,/m/0bt9lr,1',
    '002b5a4bd1a9e9cd,verification,/m/01yrx,maybe', // 9: not a number
  ]);
  write(dir, 'test-annotations-vrd.csv', [
    'ImageID,LabelName1,LabelName2,XMin1,XMax1,YMin1,YMax1,XMin2,XMax2,YMin2,YMax2,RelationshipLabel',
    '0011a1a8e6a1e2a3,/m/01g317,/m/02p5f1q,0.1,0.5,0.2,0.9,0.4,0.6,0.5,0.7,holds',
    '0030cc2d05bb9e9f,/m/01g317,/m/0199g,0.0,0.6,0.1,1.0,0.1,0.9,0.5,1.0,on',
  ]);
}
