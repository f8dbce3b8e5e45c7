// Trains both models from ../shared/data (or DATA_DIR), writes models/*.json and prints their dev figures.
// Usage: npx tsx bench/classifier-experiments/train-models.ts [dataDir]
import { statSync } from 'node:fs';
import { trainModelsFromFiles, writeModels } from '../../src/classifiers/train-models.ts';

const dataDir = process.argv[2] ?? process.env.DATA_DIR;
const started = Date.now();
const models = trainModelsFromFiles(dataDir ? { dataDir } : {});
for (const path of writeModels(models)) console.error(`wrote ${path} (${statSync(path).size} bytes)`);
console.error(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(JSON.stringify({ sentiment: models.sentiment.dev, offensive: models.offensive.dev }, null, 2));
