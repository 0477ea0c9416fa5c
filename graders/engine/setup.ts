import type Docker from 'dockerode';
import { applyBuildLimits } from './build-limits';
import { engineInfo, type EngineInfo } from './connect';
import { ensureImages, type EnsuredImage } from './images';
import { type LabDefinition, labBaseImages } from '../model/lab';

/** An engine made ready for a lab: what grading reads from it, prepared once rather than per student. */
export interface EngineSetup {
  info: EngineInfo;
  /** The lab's toolchain and base images, present in the engine. */
  images: EnsuredImage[];
  /** What every report from this engine should say (stand-ins, a cap that could not be set). */
  notes: string[];
}

/**
 * The engine's version, the lab's base images (pulled, or stand-ins built),
 * and BuildKit's process and memory cap on the host's buildkit cgroup, which
 * is one cap for every build on the engine: set here, once per engine and
 * lab, not inside each student's grading. `engineUrl` says where the engine
 * is (its `--engine` URL; DOCKER_HOST when absent): the cap is written only
 * for an engine on this machine, and a note says when builds ran uncapped.
 */
export async function prepareEngine(docker: Docker, lab: LabDefinition, progress: (line: string) => void = () => {}, engineUrl?: string): Promise<EngineSetup> {
  const info = await engineInfo(docker);
  const images = await ensureImages(docker, labBaseImages(lab), progress);
  const notes: string[] = [];
  const standIns = images.filter((e) => e.standIn).map((e) => e.ref);
  if (standIns.length) notes.push(`graded with local stand-ins for ${standIns.join(', ')} (no registry reachable)`);
  const capNote = applyBuildLimits({ pids: lab.limits.pids * 8, memoryBytes: lab.limits.memoryMB * 16 * 1024 * 1024 }, engineUrl);
  if (capNote) notes.push(capNote);
  return { info, images, notes };
}
