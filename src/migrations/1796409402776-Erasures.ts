import { MigrationInterface, QueryRunner } from "typeorm";

export class Erasures1796409402776 implements MigrationInterface {
    name = 'Erasures1796409402776'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "erasures" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" character varying(128) NOT NULL, "project_id" character varying(128) NOT NULL, "profile_id" character varying(255) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "counts" jsonb, "profile_ids" jsonb, "requested_by" character varying(128) NOT NULL, "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4f2c0a9f8284d4e1906cb029caf" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_973ebdc722f971bc6b48c67a4a" ON "erasures"  ("project_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_67a576ef8306320eb9f237d7f5" ON "erasures"  ("status", "next_attempt_at") `);
        await queryRunner.query(`ALTER TABLE "erasures" ADD CONSTRAINT "FK_b315554e749612195f3e2000c1d" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "erasures" DROP CONSTRAINT "FK_b315554e749612195f3e2000c1d"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_67a576ef8306320eb9f237d7f5"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_973ebdc722f971bc6b48c67a4a"`);
        await queryRunner.query(`DROP TABLE "erasures"`);
    }

}
