/**
 * Notation I/O: melodies in and out of score formats. So far: reading a melody from a Standard
 * MIDI File. Portable: no Node built-ins.
 */
export { readMidiMelody, type MidiMelody } from './midi.js';
