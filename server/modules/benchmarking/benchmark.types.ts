import { Field, Float, Int, ObjectType } from "type-graphql";
import { Direction, MeasureUnit } from "../kpis/kpi.entities.js";

@ObjectType({ description: "Another office's figure for an indicator in a quarter." })
export class BenchmarkFigure {
  @Field(() => Int)
  officeId!: number;

  @Field(() => String)
  officeName!: string;

  @Field(() => Float, { nullable: true, description: "From accepted returns only; null where the office has no accepted figure that quarter." })
  value!: number | null;
}

@ObjectType({ description: "One quarter of a shared indicator: your figure, each other sharing office's, and the median of all of them." })
export class BenchmarkQuarter {
  @Field(() => String, { description: 'e.g. "2024-25 Q1".' })
  label!: string;

  @Field(() => Float, { nullable: true })
  own!: number | null;

  @Field(() => [BenchmarkFigure])
  others!: BenchmarkFigure[];

  @Field(() => Float, { nullable: true, description: "Median over every sharing office with a figure that quarter, yours included." })
  median!: number | null;

  @Field(() => Int, { description: "How many offices' figures the median is over." })
  offices!: number;
}

@ObjectType({ description: "An indicator that your office and at least one other sharing office both report (matched by code and unit)." })
export class BenchmarkIndicator {
  @Field(() => String)
  code!: string;

  @Field(() => String, { description: "Your office's name for it." })
  name!: string;

  @Field(() => MeasureUnit)
  unit!: MeasureUnit;

  @Field(() => Direction)
  direction!: Direction;

  @Field(() => [BenchmarkQuarter])
  quarters!: BenchmarkQuarter[];
}

@ObjectType({ description: "Benchmarking across the offices that share their figures." })
export class Benchmarks {
  @Field(() => Int)
  officeId!: number;

  @Field(() => Boolean, { description: "Whether this office shares its figures. Only sharing offices see others'." })
  sharing!: boolean;

  @Field(() => [String], { description: "The other offices sharing figures." })
  peers!: string[];

  @Field(() => [BenchmarkIndicator])
  indicators!: BenchmarkIndicator[];
}
