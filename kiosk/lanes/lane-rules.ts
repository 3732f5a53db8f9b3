import type { KioskConfig, LaneConfig, Rules } from '../config/schema.ts';

/** The rules a lane applies: the school's, with the lane's own thresholds where it sets them. */
export function laneRules(school: Rules, lane: LaneConfig): Rules {
  return {
    ...school,
    feverC: lane.rules?.feverC ?? school.feverC,
    minPlausibleC: lane.rules?.minPlausibleC ?? school.minPlausibleC,
  };
}

/** grade → the lane it is assigned to (分年级设置入校通道); the first lane that names a grade has it. */
export function laneOfGrade(lanes: KioskConfig['lanes']): Map<number, { id: string; name: string }> {
  const assigned = new Map<number, { id: string; name: string }>();
  for (const lane of lanes)
    for (const grade of lane.grades)
      if (!assigned.has(grade)) assigned.set(grade, { id: lane.id, name: lane.name });
  return assigned;
}
