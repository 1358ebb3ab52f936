import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditLog1796300000000 implements MigrationInterface {
    name = 'AuditLog1796300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_log" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "time" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "organization_id" character varying(128) NOT NULL, "client_id" uuid, "action" character varying(64) NOT NULL, "target_type" character varying(32) NOT NULL, "target_id" character varying(255) NOT NULL, "project_id" character varying(128), "changes" text array NOT NULL DEFAULT '{}', CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_audit_log_org_action_time" ON "audit_log" ("organization_id", "action", "time", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_audit_log_org_project_time" ON "audit_log" ("organization_id", "project_id", "time", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_audit_log_org_time" ON "audit_log" ("organization_id", "time", "id") `);
        await queryRunner.query(`ALTER TABLE "audit_log" ADD CONSTRAINT "FK_b75d568c6c9a9a8b44be80223dc" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "audit_log" DROP CONSTRAINT "FK_b75d568c6c9a9a8b44be80223dc"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_audit_log_org_time"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_audit_log_org_project_time"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_audit_log_org_action_time"`);
        await queryRunner.query(`DROP TABLE "audit_log"`);
    }

}
