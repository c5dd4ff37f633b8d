// pidusage 4 ships no types; only what bench/http.ts uses.
declare module "pidusage" {
  type Stat = { cpu: number; memory: number; pid: number; elapsed: number; timestamp: number };
  function pidusage(pid: number): Promise<Stat>;
  namespace pidusage {
    function clear(): void;
  }
  export default pidusage;
}
