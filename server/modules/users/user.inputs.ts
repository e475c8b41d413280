import { IsEmail, IsOptional, Length, MaxLength } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { Role } from "./role.js";

@InputType()
export class CreateUserInput {
  @Field(() => String)
  @IsEmail()
  @MaxLength(200)
  email!: string;

  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => String, { description: "At least 12 characters." })
  @Length(12, 200)
  password!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => Int, { nullable: true, description: "Required for every role but ADMIN and PROVIDER." })
  @IsOptional()
  officeId?: number | null;

  @Field(() => Int, { nullable: true, description: "Required for PROVIDER users." })
  @IsOptional()
  providerId?: number | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => Role, { nullable: true })
  @IsOptional()
  role?: Role;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  officeId?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  providerId?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Deactivating a user also ends their sessions." })
  @IsOptional()
  active?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(12, 200)
  password?: string;
}
