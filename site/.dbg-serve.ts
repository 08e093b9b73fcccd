import { serveSite } from '../src/site/serve.ts';

const s = await serveSite({ port: 4400 });
console.log(s.url);
