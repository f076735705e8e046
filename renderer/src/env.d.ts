/// <reference types="vite/client" />

// For tools that read the renderer with plain TypeScript (typed ESLint): vue-tsc sees the real
// component types and ignores this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
