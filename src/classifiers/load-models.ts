// The committed models live in models/ at the repository root, beside src/.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileLinearModel, type CompiledLinearModel, type LinearModelJson } from './linear-model.ts';

/** The directory of the committed models. */
export const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

/** The sentiment model and the offensive-language detector, compiled. */
export interface LoadedModels {
  sentiment: CompiledLinearModel;
  offensive: CompiledLinearModel;
}

/** Returns the stored model JSON at `path`. */
export function readModelJson(path: string): LinearModelJson {
  const json = JSON.parse(readFileSync(path, 'utf8')) as LinearModelJson;
  if (json.format !== 'duluan-linear-1') throw new Error(`${path}: not a duluan linear model`);
  return json;
}

/** Returns the models in `dir` (models/sentiment.json and models/offensive.json), compiled for prediction. */
export function loadModels(dir: string = MODELS_DIR): LoadedModels {
  return {
    sentiment: compileLinearModel(readModelJson(`${dir}/sentiment.json`)),
    offensive: compileLinearModel(readModelJson(`${dir}/offensive.json`)),
  };
}
