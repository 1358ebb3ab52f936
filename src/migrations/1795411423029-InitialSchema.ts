import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795411423029 implements MigrationInterface {
    name = 'InitialSchema1795411423029'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "organizations" ("id" character varying(128) NOT NULL, "name" character varying(255) NOT NULL, "timezone" character varying(64) NOT NULL DEFAULT 'UTC', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "projects" ("id" character varying(128) NOT NULL, "organization_id" character varying(128) NOT NULL, "name" character varying(255) NOT NULL, "domain" character varying(2048), "cors" text array NOT NULL DEFAULT '{}', "cross_domain" boolean NOT NULL DEFAULT false, "types" text array NOT NULL DEFAULT '{}', "timezone" character varying(64), "filters" jsonb NOT NULL DEFAULT '{}', "allow_unsafe_revenue" boolean NOT NULL DEFAULT false, "events_count" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delete_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_585c8ce06628c70b70100bfb84" ON "projects"  ("organization_id") `);
        await queryRunner.query(`CREATE TABLE "clients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(255) NOT NULL, "mode" character varying(8) NOT NULL, "secret_hash" character varying(255) NOT NULL, "project_id" character varying(128), "organization_id" character varying(128) NOT NULL, "public" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f1ab7cf3a5714dbc6bb4e1c28a4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_fd4a5157295ea7ca29b79086b5" ON "clients"  ("project_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_56db59155836a7548efa3272d5" ON "clients"  ("organization_id") `);
        await queryRunner.query(`CREATE TABLE "profiles" ("project_id" character varying(128) NOT NULL, "id" character varying(255) NOT NULL, "first_name" character varying(255), "last_name" character varying(255), "email" character varying(320), "avatar" character varying(2048), "properties" jsonb NOT NULL DEFAULT '{}', "is_external" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3bbc48af93b9aa48192666c85d7" PRIMARY KEY ("project_id", "id"))`);
        await queryRunner.query(`CREATE TABLE "references" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" character varying(128) NOT NULL, "title" character varying(255) NOT NULL, "description" text, "date" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_795ec632ca1153bf5ec99d656e5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_c1f24a48a875079f14a5740b22" ON "references"  ("project_id") `);
        await queryRunner.query(`CREATE TABLE "salts" ("salt" character varying(64) NOT NULL, "day" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2b994007c6e3ff11fe174d009e1" UNIQUE ("day"), CONSTRAINT "PK_ca8743ac00314de999a68552b51" PRIMARY KEY ("salt"))`);
        await queryRunner.query(`ALTER TABLE "projects" ADD CONSTRAINT "FK_585c8ce06628c70b70100bfb842" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "clients" ADD CONSTRAINT "FK_fd4a5157295ea7ca29b79086b50" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "clients" ADD CONSTRAINT "FK_56db59155836a7548efa3272d5d" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "profiles" ADD CONSTRAINT "FK_132d813270e680f1a0fc0cf6366" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "references" ADD CONSTRAINT "FK_c1f24a48a875079f14a5740b228" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "references" DROP CONSTRAINT "FK_c1f24a48a875079f14a5740b228"`);
        await queryRunner.query(`ALTER TABLE "profiles" DROP CONSTRAINT "FK_132d813270e680f1a0fc0cf6366"`);
        await queryRunner.query(`ALTER TABLE "clients" DROP CONSTRAINT "FK_56db59155836a7548efa3272d5d"`);
        await queryRunner.query(`ALTER TABLE "clients" DROP CONSTRAINT "FK_fd4a5157295ea7ca29b79086b50"`);
        await queryRunner.query(`ALTER TABLE "projects" DROP CONSTRAINT "FK_585c8ce06628c70b70100bfb842"`);
        await queryRunner.query(`DROP TABLE "salts"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_c1f24a48a875079f14a5740b22"`);
        await queryRunner.query(`DROP TABLE "references"`);
        await queryRunner.query(`DROP TABLE "profiles"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_56db59155836a7548efa3272d5"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_fd4a5157295ea7ca29b79086b5"`);
        await queryRunner.query(`DROP TABLE "clients"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_585c8ce06628c70b70100bfb84"`);
        await queryRunner.query(`DROP TABLE "projects"`);
        await queryRunner.query(`DROP TABLE "organizations"`);
    }

}
