// What `duluan eval FILE.tsv` prints: npx tsx bench/classifier-experiments/eval-file.ts FILE.tsv
import { evaluateFile } from '../../src/classifiers/evaluate.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: eval-file.ts FILE.tsv');
console.log(JSON.stringify(evaluateFile(path)));
