/**
 * Notation I/O: melodies in and out of score formats. So far: reading a melody from a Standard
 * MIDI File and a monophonic tune in ABC notation; writing jianpu (简谱) as text. Portable: no
 * Node built-ins.
 */
export { readMidiMelody, type MidiMelody } from './midi.js';
export { readAbc, type AbcTune } from './abc.js';
export { jianpuSymbol, jianpuText, type Jianpu, type JianpuOptions } from './jianpu.js';
