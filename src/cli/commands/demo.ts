/**
 * `zhiyin demo` (what `npm start` runs): generates demo material and runs the main tools on
 * it, so a new user sees what works in a few seconds, with nothing to download.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  analysisToJson,
  analysisToSvg,
  jianpu,
  noteName,
  parseTonic,
  type ExpressiveEvent,
} from '../../analysis/index.js';
import { containerName } from '../../audio/index.js';
import {
  analyzeFile,
  automixFiles,
  convertAudioFile,
  loadAtlas,
  measureLoudnessFile,
  packageRoot,
  readScoreFile,
  probeAudioFile,
  writeWavFile,
} from '../../node/index.js';
import { adaptMelody } from '../../arrange/index.js';
import {
  makeFolder,
  renderDemoMelody,
  renderDemoPerformance,
  renderDemoTake,
} from '../../node/index.js';
import { automixSummary } from './automix.js';
import { writeAdaptation } from './adapt.js';
import { clock, num, table } from '../format.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'generate demo recordings and run info, loudness, convert and analyze (performance analysis) on them, adapt a Western melody to the erhu and the guzheng, and mix a phone take of an erhu over a backing with automix',
    )
    .option('-o, --out <dir>', 'folder for the demo files', 'demo-output')
    .action(async (opts: { out: string }) => {
      const say = (text: string) => process.stdout.write(`${text}\n`);
      await makeFolder(opts.out);
      const source = join(opts.out, 'jasmine-flower-48k-float.wav');
      say('Zhiyin 知音 demo\n');
      say(
        `1. Generating 茉莉花 (Jasmine Flower) in D gong pentatonic, plucked strings and reverb → ${source}`,
      );
      await writeWavFile(source, renderDemoMelody(48_000), { format: 'float32' });

      const info = await probeAudioFile(source);
      say(`\n2. zhiyin info ${source}`);
      say(
        indent(
          table([
            ['format', `${containerName(info.container)}, ${info.codec}`],
            ['sample rate', `${info.sampleRate} Hz`],
            ['channels', String(info.channelCount)],
            ['duration', clock((info.frames ?? 0) / info.sampleRate)],
          ]),
        ),
      );

      const { loudness } = await measureLoudnessFile(source);
      say(`\n3. zhiyin loudness ${source}`);
      say(
        indent(
          table([
            ['integrated', num(loudness.integratedLufs, 1, 'LUFS')],
            ['loudness range', num(loudness.loudnessRangeLu, 1, 'LU')],
            ['true peak', num(loudness.truePeakDbtp, 1, 'dBTP')],
          ]),
        ),
      );

      const target = join(opts.out, 'jasmine-flower-44k-16bit-14lufs.wav');
      say(
        `\n4. zhiyin convert ${source} ${target} --rate 44100 --bits 16 --normalize -14 --true-peak -1`,
      );
      const report = await convertAudioFile(source, target, {
        sampleRate: 44_100,
        format: 'pcm16',
        normalizeLufs: -14,
        truePeakCeilingDbtp: -1,
      });
      say(
        indent(
          table([
            [
              'gain',
              `${num(report.gainDb, 2, 'dB')}${report.normalization?.limitedBy === 'true-peak' ? ' (held back by the true-peak ceiling)' : ''}`,
            ],
            ['integrated', num(report.outputLoudness?.integratedLufs, 1, 'LUFS')],
            ['true peak', num(report.outputLoudness?.truePeakDbtp, 1, 'dBTP')],
            [
              'format',
              `${report.output.sampleRate} Hz, ${report.output.format}, ${report.output.durationSeconds.toFixed(2)} s`,
            ],
          ]),
        ),
      );
      const solo = join(opts.out, 'jasmine-flower-erhu-phrase.wav');
      say(
        `\n5. A bowed solo of the first phrase with vibrato, a slide, a grace note and a trill → ${solo}`,
      );
      await writeWavFile(solo, renderDemoPerformance(44_100), { format: 'float32' });
      const plot = join(opts.out, 'jasmine-flower-erhu-phrase.svg');
      const json = join(opts.out, 'jasmine-flower-erhu-phrase.json');
      say(`   zhiyin analyze ${solo} --plot ${plot} --json ${json} --tonic D`);
      const analysis = await analyzeFile(solo);
      const tonic = parseTonic('D')!;
      await writeFile(plot, analysisToSvg(analysis, { tonic }));
      await writeFile(json, analysisToJson(analysis));
      say(
        indent(
          table([
            [
              'notes (jianpu, 1 = D)',
              analysis.notes.map((n) => `${noteName(n.midi)} ${jianpu(n.midi, tonic)}`).join('  '),
            ],
            ...analysis.events.map((e): [string, string] => [
              `${e.start.toFixed(2)}–${e.end.toFixed(2)} s`,
              `${e.label.en} ${e.label.zh} (${e.label.pinyin})${eventDetail(e)}`,
            ]),
          ]),
        ),
      );
      await adaptDemo(opts.out, say);
      await automixDemo(opts.out, say);
      say(
        `\nDone. Try the same on your own files: npx zhiyin --help (after npm run build), or node dist/src/cli/main.js --help`,
      );
    });
}

/** Step 6: a Western melody made idiomatic for the erhu, and pentatonic for the guzheng. */
async function adaptDemo(out: string, say: (text: string) => void): Promise<void> {
  const tune = join(packageRoot(), 'eval', 'melodies', 'greensleeves.abc');
  if (!existsSync(tune)) {
    say(`\n6. (skipped: ${tune} is not here; the adaptation demo needs the repository's fixtures)`);
    return;
  }
  const score = await readScoreFile(tune);
  const all = loadAtlas().all();
  const erhu = adaptMelody(score, all, { to: 'erhu', ornaments: 0.5 });
  const files = ['musicxml', 'mid', 'svg', 'wav'].map((e) => join(out, `greensleeves-erhu.${e}`));
  say(
    `\n6. zhiyin adapt ${tune} --to erhu --ornaments 0.5 ${files.map((f) => `-o ${f}`).join(' ')}`,
  );
  for (const f of files) await writeAdaptation(erhu, f, score.tempo ?? 90);
  for (const line of erhu.advice) say(`   ${line.en}\n   ${line.zh}`);
  const guzheng = adaptMelody(score, all, { to: 'guzheng', pentatonic: true });
  say(`\n7. zhiyin adapt ${tune} --to guzheng --pentatonic`);
  for (const line of guzheng.advice.slice(0, 4)) say(`   ${line.en}\n   ${line.zh}`);
  if (guzheng.advice.length > 4) say(`   … (${guzheng.advice.length - 4} more lines)`);
}

/**
 * Step 8: the erhu phrase as if recorded on a phone over the plucked accompaniment playing from
 * the phone's own loudspeaker (late by the phone's round trip, with the backing's bleed and
 * room noise), mixed in one go for the zh-pop-mobile profile.
 */
async function automixDemo(out: string, say: (text: string) => void): Promise<void> {
  const backing = renderDemoMelody(44_100, 62, 56);
  const takeAudio = renderDemoTake(renderDemoPerformance(44_100), backing, {
    delaySeconds: 0.04,
    bleedDb: -26,
    snrDb: 30,
  });
  const [backingFile, take, mix] = ['backing-plucked.wav', 'take-erhu-phone.wav', 'mix.wav'].map(
    (f) => join(out, f),
  ) as [string, string, string];
  await writeWavFile(backingFile, backing, { format: 'pcm24' });
  await writeWavFile(take, takeAudio, { format: 'pcm24' });
  say(
    `\n8. An erhu take recorded on a phone over the plucked backing from its loudspeaker (40 ms late, the backing heard 26 dB under the erhu, room noise 30 dB down) → ${take}`,
  );
  say(`   zhiyin automix --vocal ${take} --backing ${backingFile} -p zh-pop-mobile -o ${mix} -y`);
  const report = await automixFiles(take, backingFile, mix, { profile: 'zh-pop-mobile' });
  say(indent(automixSummary(mix, report)));
}

function eventDetail(e: ExpressiveEvent): string {
  const p = e.params;
  if (e.kind === 'vibrato')
    return `: ${Number(p.rateHz).toFixed(1)} Hz, ${Number(p.extentCents).toFixed(0)} cents`;
  if (e.kind === 'trill')
    return `: ${Number(p.rateHz).toFixed(1)} Hz, ${Number(p.intervalCents).toFixed(0)} cents`;
  if (e.kind === 'portamento')
    return `: ${(1000 * Number(p.durationSeconds)).toFixed(0)} ms, ${Number(p.spanCents)} cents`;
  return '';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}
