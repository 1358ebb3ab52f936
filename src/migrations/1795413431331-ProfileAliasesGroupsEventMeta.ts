import { MigrationInterface, QueryRunner } from "typeorm";

export class ProfileAliasesGroupsEventMeta1795413431331 implements MigrationInterface {
    name = 'ProfileAliasesGroupsEventMeta1795413431331'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "event_meta" ("project_id" character varying(128) NOT NULL, "name" character varying(255) NOT NULL, "description" text, "conversion" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2a6b7aea36c7ad9329789db11c0" PRIMARY KEY ("project_id", "name"))`);
        await queryRunner.query(`CREATE TABLE "groups" ("project_id" character varying(128) NOT NULL, "id" character varying(255) NOT NULL, "type" character varying(255) NOT NULL, "name" character varying(255) NOT NULL, "properties" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_44918c491d03e8db665f700111e" PRIMARY KEY ("project_id", "id"))`);
        await queryRunner.query(`CREATE TABLE "profile_aliases" ("project_id" character varying(128) NOT NULL, "alias" character varying(255) NOT NULL, "profile_id" character varying(255) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_813d2fb3480e572193f1711ada6" PRIMARY KEY ("project_id", "alias"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4c1f83c6801dc2b623f5e2e777" ON "profile_aliases"  ("project_id", "profile_id") `);
        await queryRunner.query(`ALTER TABLE "profiles" ADD "groups" character varying(255) array NOT NULL DEFAULT '{}'`);
        await queryRunner.query(`ALTER TABLE "profiles" ADD "version" bigint NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "event_meta" ADD CONSTRAINT "FK_6f782b5a1385a472dc647ebed14" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "groups" ADD CONSTRAINT "FK_699f97d5fce593851caf232d0be" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "profile_aliases" ADD CONSTRAINT "FK_a02888d201cd321612c49f1f80c" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profile_aliases" DROP CONSTRAINT "FK_a02888d201cd321612c49f1f80c"`);
        await queryRunner.query(`ALTER TABLE "groups" DROP CONSTRAINT "FK_699f97d5fce593851caf232d0be"`);
        await queryRunner.query(`ALTER TABLE "event_meta" DROP CONSTRAINT "FK_6f782b5a1385a472dc647ebed14"`);
        await queryRunner.query(`ALTER TABLE "profiles" DROP COLUMN "version"`);
        await queryRunner.query(`ALTER TABLE "profiles" DROP COLUMN "groups"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4c1f83c6801dc2b623f5e2e777"`);
        await queryRunner.query(`DROP TABLE "profile_aliases"`);
        await queryRunner.query(`DROP TABLE "groups"`);
        await queryRunner.query(`DROP TABLE "event_meta"`);
    }

}
