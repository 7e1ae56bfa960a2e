// The package ships no type declarations; bench/fft.ts declares the shape it uses.
declare module '@echogarden/pffft-wasm/simd' {
  const factory: () => Promise<unknown>;
  export default factory;
}
